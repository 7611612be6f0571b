using Baocao.Catalog;
using Baocao.Workflow;

namespace Baocao.Review;

/// <summary>
/// How a period's stages meet the workflow: the stages decide in turn, from the first (a report submitted or in review)
/// to the last, which approves (a report awaiting approval); the instance's <see cref="WorkflowInstance.Stage"/> says
/// whose turn it is. A period with one stage has its people do both, review and approval, one after the other.
/// </summary>
public static class ReviewStages
{
    /// <summary>The reason code of a partial approval in an all-of stage: a note that waits for the others.</summary>
    public const string PartialApproval = "stage-approval";

    /// <summary>The reason code of an admin's reassignment of a stage; the event's <see cref="StageFact.Reassigned"/> says to whom.</summary>
    public const string Reassigned = "reassigned";

    /// <summary>The stage whose people decide <paramref name="instance"/> now, or null when nobody does.</summary>
    public static ReviewStage? Deciding(Period period, WorkflowInstance instance) =>
        instance.State is ReportState.Submitted or ReportState.InReview or ReportState.AwaitingApproval ? period.StageAt(instance.Stage) : null;

    /// <summary>The stage that decides after <paramref name="instance"/>'s current one, or null when its approval is the last.</summary>
    public static ReviewStage? After(Period period, WorkflowInstance instance) =>
        instance.State is ReportState.Submitted or ReportState.InReview ? period.StageAt(instance.Stage + 1) : null;

    public static int Position(Period period, string stage) => period.Stages.Select(s => s.Code).ToList().IndexOf(stage);

    /// <summary>The people of an all-of stage who approved this version so far, by the e-mail they decide for.</summary>
    public static IReadOnlySet<string> ApprovedSoFar(IReadOnlyList<HistoryEvent> history, int version, string stage) =>
        history.Where(e => e.Version == version && e.Trigger == ReportTrigger.Note && e.ReasonCode == PartialApproval && e.InStage?.Stage == stage)
            .Select(e => e.InStage!.Decider?.DecidesFor).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
}
