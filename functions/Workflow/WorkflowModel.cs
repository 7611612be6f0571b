using System.Text.Json;
using Baocao.Catalog;

namespace Baocao.Workflow;

/// <summary>
/// One report's workflow: a period × unit, its state, the version of the workflow definition it runs under
/// (<see cref="DefinitionVersion"/>), the number of the report's latest version (<see cref="Version"/>, 0 before any
/// submission) and the number of its last history event.
/// Overdue (the deadline passed unsubmitted), Late (submitted after it) and Missed (never submitted before the close) are flags.
/// <see cref="Deadline"/> is the unit's own deadline once an extension (gia hạn) was granted; null means the period's.
/// <see cref="Stage"/> is the position of the review stage that decides the report now (0 for the first), out of
/// <see cref="StageCount"/> positions fixed when the report started (<see cref="WorkflowDefinition.Positions"/>).
/// </summary>
public sealed record WorkflowInstance(
    string Id,
    string PeriodId,
    string UnitCode,
    ReportState State,
    int DefinitionVersion,
    int Version,
    int Sequence,
    bool Overdue,
    bool Late,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt,
    bool Missed = false,
    DateTimeOffset? Deadline = null,
    int Stage = 0,
    int StageCount = WorkflowDefinition.ClassicPositions)
{

    /// <summary>How many review stages decide after the one deciding now; the last stage's approval finishes the report.</summary>
    public int LaterStages() => StageCount - 1 - Stage;

    /// <summary>The deadline this unit is held to: its extension, or else the period's.</summary>
    public DateTimeOffset DeadlineOr(DateTimeOffset periodDeadline) => Deadline ?? periodDeadline;
}

/// <summary>One transition as history keeps it; <see cref="Hash"/> chains it to the event before.</summary>
public sealed record HistoryEvent(
    int Sequence,
    ReportTrigger Trigger,
    string Actor,
    WorkflowChannel Channel,
    DateTimeOffset At,
    int Version,
    string? Comment,
    string? ReasonCode,
    ReportState From,
    ReportState To,
    string Hash,
    StageFact? InStage = null);

/// <summary>
/// What a review event records about its stage, typed: whose decision it is (<see cref="Decider"/>, for a decision or a
/// partial approval from a link), or for an admin's reassignment whom the stage moved from and to.
/// </summary>
public sealed record StageFact(string Stage, Reviewer? Decider = null, Reassignment? Reassigned = null);

public static class StageFacts
{
    /// <summary>How a stage fact is stored in its history row and hashed into the chain.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
}

/// <summary>
/// An admin moved a report's stage to <see cref="To"/>: in place of the assignee <see cref="Replaces"/> (an e-mail), or,
/// when that is null, in place of everybody the stage had.
/// </summary>
public sealed record Reassignment(string? Replaces, Contact To);

/// <summary>Work a transition sends out (a mail, a timer), committed with it and delivered later from the outbox.</summary>
public sealed record WorkItem(string Kind, JsonElement Payload);

/// <summary>A work item waiting in the outbox, with the history event that produced it.</summary>
public sealed record OutboxItem(string Id, int Sequence, string Kind, JsonElement Payload, DateTimeOffset CreatedAt);

/// <summary>
/// What a Submit brings to store: the version's content as JSON (whose shape belongs to the submissions feature), its
/// receipt (a hash over that content) and whether it comes after the deadline.
/// </summary>
public sealed record NewVersion(string Body, string Receipt, bool Late)
{
    /// <summary>The version as stored, once its Submit has given it the next number and the time it was received.</summary>
    public ReportVersion Numbered(int number, DateTimeOffset receivedAt) => new(number, receivedAt, Late, Receipt, Body);
}

/// <summary>One stored version of a report, immutable once written: a <see cref="NewVersion"/> with its number and the time it arrived.</summary>
public sealed record ReportVersion(int Number, DateTimeOffset ReceivedAt, bool Late, string Receipt, string Body);

/// <summary>An instance of a period with its versions, oldest first, as the province's read of the whole period returns them.</summary>
public sealed record PeriodInstance(WorkflowInstance Instance, IReadOnlyList<ReportVersion> Versions);

/// <summary>
/// A caller's key for one operation (the <c>Idempotency-Key</c> header) and a hash of what it asked: the same key
/// with the same request returns the first outcome; with another request it is refused. Records older than
/// <see cref="KeptFor"/> are forgotten.
/// </summary>
public sealed record OperationKey(string Key, string RequestHash, TimeSpan KeptFor);

/// <summary>What a decision would come to now, and the instance row it was judged on (null before the instance exists).</summary>
public sealed record Preview(Verdict Verdict, InstanceRow? Read);

/// <summary>An instance with its whole history, oldest first.</summary>
public sealed record WorkflowView(WorkflowInstance Instance, IReadOnlyList<HistoryEvent> History);

/// <summary>A timer a report still holds: its name (<c>deadline</c>, <c>remind-00</c>, <c>review-wait</c>…), its kind and when it comes due.</summary>
public sealed record PendingTimer(string Name, string Kind, DateTimeOffset Due);

/// <summary>
/// A report's orchestration as the task hub has it: its runtime status, and from its last look the timer it waits for
/// and until when (none while it waits only for a decision), and the time of that look.
/// </summary>
public sealed record ReportClock(string Status, string? WaitsFor, DateTimeOffset? Until, DateTimeOffset? LookedAt);

/// <summary>What an admin reads of one report: the instance, its whole history, its pending timers and its orchestration (null if it has none).</summary>
public sealed record InstanceDetail(WorkflowInstance Instance, IReadOnlyList<HistoryEvent> History, IReadOnlyList<PendingTimer> Timers, ReportClock? Orchestration);

/// <summary>The result of checking an instance's hash chain; <see cref="FirstBrokenSequence"/> is null when it holds.</summary>
public sealed record HistoryCheck(int Events, int? FirstBrokenSequence)
{
    public bool Intact => FirstBrokenSequence is null;
}

/// <summary>Who made the decision that now stands, and when.</summary>
public sealed record DecidedBy(string Actor, DateTimeOffset At, ReportTrigger Trigger, ReportState State);

/// <summary>What became of a trigger fired at an instance.</summary>
public abstract record FireResult
{
    private FireResult()
    {
    }

    public sealed record Applied(WorkflowInstance Instance, HistoryEvent Event) : FireResult;

    /// <summary>Nothing was written. After a lost race, <see cref="DecidedBy"/> names the decision that won.</summary>
    public sealed record Refused(string Code, string Reason, DecidedBy? DecidedBy = null) : FireResult;

    public sealed record NotFound(string InstanceId) : FireResult;

    /// <summary>The operation key was used before: nothing was written. <see cref="SameRequest"/> says whether for this same request.</summary>
    public sealed record Repeated(WorkflowInstance Instance, int Version, bool SameRequest) : FireResult;
}

/// <summary>
/// A durable timer of an instance: when <see cref="Due"/> comes, the timer kind registered under <see cref="Kind"/>
/// decides what happens. Setting a timer of the same <see cref="Name"/> again replaces it.
/// </summary>
public sealed record DurableTimer(string Name, string Kind, DateTimeOffset Due, JsonElement? Payload = null);

/// <summary>A timer as stored in its instance's partition, with the ETag its firing deletes it under.</summary>
public sealed record StoredTimer(string InstanceId, DurableTimer Timer, Azure.ETag ETag);
