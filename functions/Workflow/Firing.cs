using Baocao.Catalog;

namespace Baocao.Workflow;

/// <summary>
/// A trigger fired at a report: who fires it and through which channel, what history records with it, the work it sends
/// out, and what its maker saw. With <see cref="SeenState"/> the decision holds only for that state (a reviewer's approval
/// of a report in review must not become the leader's approval because someone was faster); with
/// <see cref="SeenSequence"/> only for that very event (a resubmitted version, or another approver's note, makes it stale).
/// </summary>
public sealed record Firing(ReportTrigger Trigger, string Actor, WorkflowChannel Channel)
{
    public string? Comment { get; init; }

    public string? ReasonCode { get; init; }

    /// <summary>What a review event records about its stage: whose decision it is, or whom the stage moved to.</summary>
    public StageFact? InStage { get; init; }

    public IReadOnlyList<WorkItem> Work { get; init; } = [];

    public ReportState? SeenState { get; init; }

    public int? SeenSequence { get; init; }

    /// <summary>A single-use key (an e-mail link's token) recorded by a conditional insert in the same transaction, so one link decides once.</summary>
    public OperationKey? Operation { get; init; }

    /// <summary>An Extend's new deadline for the unit.</summary>
    public DateTimeOffset? Deadline { get; init; }

    public SubmissionWindow Window { get; init; } = SubmissionWindow.Open;

    /// <summary>Timers the transaction sets beside what the timer policies say.</summary>
    public IReadOnlyList<DurableTimer> Timers { get; init; } = [];

    /// <summary>A timer's own firing: the transaction deletes it under its ETag, so it fires only once.</summary>
    public StoredTimer? Timer { get; init; }

    public Proposal Proposal => new(Trigger, Channel, CatalogText.CleanOptional(Comment), CatalogText.CleanOptional(ReasonCode), Window, Deadline);
}
