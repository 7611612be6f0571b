using Baocao.Catalog;
using Baocao.Hosting;
using Baocao.Workflow;

namespace Baocao.Review;

/// <summary>
/// Someone a stage waits for on one report: a person the stage names, the holder of a post it names (with the post, for
/// its delegations), or the person an admin reassigned the stage to.
/// </summary>
public sealed record Assignee(Contact Person, Post? Post = null);

/// <summary>Who decides a report in a stage, and how a link or a day maps to the person who acts.</summary>
public sealed record StageAssignment(IReadOnlyList<Assignee> Assignees)
{
    /// <summary>Whom mail goes to on <paramref name="day"/>: each assignee, or the acting officer of a delegation covering the day.</summary>
    public IReadOnlyList<Reviewer> On(DateOnly day) =>
        Assignees.Select(a => a.Post?.DelegationOn(day) is { } d ? new Reviewer(d.Acting, a.Person) : new Reviewer(a.Person)).ToList();

    /// <summary>
    /// Who a link lets decide, or null when its assignee no longer decides here. A holder's own link stays good during a
    /// delegation (they may still decide); an acting officer's link stays good while the post keeps that delegation,
    /// even after its last day, so a report mailed during it is never left without a working link.
    /// </summary>
    public Reviewer? For(ReviewLink link)
    {
        var assignee = Assignees.FirstOrDefault(a => Same(a.Person.Email, link.For ?? link.Recipient));
        if (assignee is null) return null;
        if (link.For is null) return new Reviewer(assignee.Person);
        return assignee.Post?.Delegations?.FirstOrDefault(d => Same(d.Acting.Email, link.Recipient)) is { } delegation
            ? new Reviewer(delegation.Acting, assignee.Person)
            : null;
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Resolves a stage's people for a unit's report: the people it names, the holders of the nearest of the posts it names
/// (<see cref="PostRules.Nearest"/>), then every reassignment an admin made on this report, in order.
/// </summary>
public sealed class ReviewPeople(CatalogService catalog)
{
    public async Task<StageAssignment> OfAsync(ReviewStage stage, string unitCode, IReadOnlyList<HistoryEvent> history, CancellationToken cancellationToken)
    {
        var assignees = stage.NamedPeople.Select(c => new Assignee(c)).ToList();
        if (stage.PostCodes.Count > 0)
        {
            var named = (await catalog.GetPostsAsync(cancellationToken)).Where(p => stage.PostCodes.Contains(p.Code));
            var units = (await catalog.GetUnitsAsync(cancellationToken)).ToDictionary(u => u.Code);
            assignees.AddRange(PostRules.Nearest(named, unitCode, units).Select(p => new Assignee(p.Holder, p)));
        }
        foreach (var moved in history.Where(e => e.InStage?.Stage == stage.Code).Select(e => e.InStage!.Reassigned).OfType<Reassignment>())
        {
            assignees = moved.Replaces is null
                ? [new Assignee(moved.To)]
                : assignees.Select(a => string.Equals(a.Person.Email, moved.Replaces, StringComparison.OrdinalIgnoreCase) ? new Assignee(moved.To) : a).ToList();
        }
        return new StageAssignment(assignees.DistinctBy(a => a.Person.Email, StringComparer.OrdinalIgnoreCase).ToList());
    }
}
