using Baocao.Catalog;
using Baocao.Workflow;

namespace Baocao.Review;

/// <summary>
/// A person who decides in a stage: the assignee, or the acting officer standing in for them (<see cref="OnBehalfOf"/>).
/// History names both, so the record shows who clicked and for whom.
/// </summary>
public sealed record Reviewer(Contact Person, Contact? OnBehalfOf = null)
{
    /// <summary>Whose decision this is: the assignee, even when an acting officer makes it.</summary>
    public string DecidesFor => (OnBehalfOf ?? Person).Email;

    public string Actor => OnBehalfOf is null ? $"{Person.Name} <{Person.Email}>" : $"{Person.Name} <{Person.Email}> (thay mặt {OnBehalfOf.Name} <{OnBehalfOf.Email}>)";

    /// <summary>The name a unit reads in mail: the acting officer, and for whom.</summary>
    public string DisplayName => OnBehalfOf is null ? Person.Name : $"{Person.Name} (thay mặt {OnBehalfOf.Name})";
}

/// <summary>
/// An admin moved a report's stage to <see cref="To"/>: in place of the assignee <see cref="Replaces"/> (an e-mail), or,
/// when that is null, in place of everybody the stage had.
/// </summary>
public sealed record Reassignment(string Stage, string? Replaces, Contact To);

/// <summary>
/// How a period's stages meet the workflow: the stages decide in turn, from the first (a report submitted or in review)
/// to the last, which approves (a report awaiting approval); the instance's <see cref="WorkflowInstance.Stage"/> says
/// whose turn it is. A period with one stage has its people do both, review and approval, one after the other.
/// </summary>
public static class ReviewStages
{
    /// <summary>The reason code of a partial approval in an all-of stage: a note that waits for the others.</summary>
    public static string PartialApproval(string stage) => "stage-approval:" + stage;

    private const string ReassignPrefix = "reassign:";

    /// <summary>
    /// The reason code of a reassignment: history is where the report's own assignment lives, so the change, its note
    /// and the new person's mail commit in one transaction. <c>reassign:{stage}:{replaced e-mail or *}:{Name &lt;e-mail&gt;}</c>.
    /// </summary>
    public static string ReasonCode(Reassignment r) => $"{ReassignPrefix}{r.Stage}:{r.Replaces ?? "*"}:{r.To.Name} <{r.To.Email}>";

    public static Reassignment? ReadReassignment(string? reasonCode)
    {
        if (reasonCode?.StartsWith(ReassignPrefix, StringComparison.Ordinal) != true) return null;
        var parts = reasonCode[ReassignPrefix.Length..].Split(':', 3);
        if (parts.Length != 3) return null;
        var to = parts[2];
        var open = to.LastIndexOf('<');
        return open > 0 && to.EndsWith('>')
            ? new Reassignment(parts[0], parts[1] == "*" ? null : parts[1], new Contact(to[..open].Trim(), to[(open + 1)..^1]))
            : null;
    }

    public static bool IsReassignment(string? reasonCode) => ReadReassignment(reasonCode) is not null;

    /// <summary>The stage whose people decide <paramref name="instance"/> now, or null when nobody does.</summary>
    public static ReviewStage? Deciding(Period period, WorkflowInstance instance) =>
        instance.State is ReportState.Submitted or ReportState.InReview or ReportState.AwaitingApproval ? period.StageAt(instance.Stage) : null;

    /// <summary>The stage that decides after <paramref name="instance"/>'s current one, or null when its approval is the last.</summary>
    public static ReviewStage? After(Period period, WorkflowInstance instance) =>
        instance.State is ReportState.Submitted or ReportState.InReview ? period.StageAt(instance.Stage + 1) : null;

    public static int Position(Period period, string stage) => period.Stages.Select(s => s.Code).ToList().IndexOf(stage);

    /// <summary>The people of an all-of stage who approved this version so far, by the e-mail they decide for.</summary>
    public static IReadOnlySet<string> ApprovedSoFar(IReadOnlyList<HistoryEvent> history, int version, string stage) =>
        history.Where(e => e.Version == version && e.Trigger == ReportTrigger.Note && e.ReasonCode == PartialApproval(stage))
            .Select(e => DecidesFor(e.Actor)).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The assignee's address in an actor as <see cref="Reviewer.Actor"/> writes it (the last one in angle brackets).</summary>
    private static string DecidesFor(string actor)
    {
        var open = actor.LastIndexOf('<');
        var close = actor.LastIndexOf('>');
        return open >= 0 && close > open ? actor[(open + 1)..close] : actor;
    }
}
