namespace Baocao.Workflow;

/// <summary>
/// The codes a refused decision carries, as Problem Details and callers read them: one spelling, shared by the rules
/// that refuse and the code that tells one refusal from another.
/// </summary>
public static class RefusalCodes
{
    /// <summary>Another decision got there first; the refusal names who made it and when.</summary>
    public const string AlreadyDecided = "already-decided";

    /// <summary>Decisions kept racing on the report; the caller should look again and retry.</summary>
    public const string Busy = "busy";

    /// <summary>The state has no such move at all.</summary>
    public const string NotPermitted = "not-permitted";

    public const string CommentRequired = "comment-required";
    public const string ReasonRequired = "reason-required";
    public const string AdminOnly = "admin-only";
    public const string PeriodClosed = "period-closed";
    public const string DeadlinePassed = "deadline-passed";
    public const string DeadlineRequired = "deadline-required";
    public const string MoreStages = "more-stages";
    public const string ApprovalNext = "approval-next";
    public const string TimerGone = "timer-gone";
    public const string TooMuchWork = "too-much-work";
    public const string DefinitionUnknown = "definition-unknown";
}
