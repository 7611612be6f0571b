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

    public string Actor => OnBehalfOf is null ? $"{Person.Name} <{Person.Email}>" : $"{Person.Name} <{Person.Email}> (thay {OnBehalfOf.Name} <{OnBehalfOf.Email}>)";
}

/// <summary>
/// How a period's stages meet the workflow: the first stage reviews (a report submitted or in review), the last one
/// approves (a report awaiting approval). A period with one stage has its people do both, one after the other.
/// </summary>
public static class ReviewStages
{
    /// <summary>The reason code of a partial approval in an all-of stage: a note that waits for the others.</summary>
    public static string PartialApproval(string stage) => "stage-approval:" + stage;

    public const int MaxStages = 2;

    /// <summary>The stage whose people decide a report in <paramref name="state"/>, or null when nobody does.</summary>
    public static ReviewStage? Deciding(Period period, ReportState state) => state switch
    {
        ReportState.Submitted or ReportState.InReview => period.Stages[0],
        ReportState.AwaitingApproval => period.Stages[^1],
        _ => null,
    };

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
