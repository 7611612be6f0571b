using System.Text.Json;
using System.Text.RegularExpressions;
using Stateless;

namespace Baocao.Workflow;

public enum ReportState
{
    NotStarted,
    Submitted,
    InReview,
    AwaitingApproval,
    Approved,
    Returned,
    Exempted,

    /// <summary>Stopped by an admin, with a reason: its timers are cancelled and no decision applies any more.</summary>
    Terminated,
}

/// <summary>
/// The one spelling of a state wherever a machine or a script reads it: API JSON, query filters, the dashboard's
/// links and form fields, metrics, docs. It is camelCase, as the JSON converter writes enums; people read
/// <see cref="WorkflowDefinition.Name"/> instead.
/// </summary>
public static class ReportStateCodes
{
    private static readonly ReportState[] States = Enum.GetValues<ReportState>();

    public static IReadOnlyList<string> All { get; } = States.Select(Code).ToArray();

    public static string Code(this ReportState state) => JsonNamingPolicy.CamelCase.ConvertName(state.ToString());

    /// <summary>Reads a state's code; letter case aside, nothing else is taken (no numbers, no other spellings).</summary>
    public static bool TryParse(string? text, out ReportState state)
    {
        var index = Array.FindIndex(States, s => string.Equals(s.Code(), text?.Trim(), StringComparison.OrdinalIgnoreCase));
        state = index < 0 ? default : States[index];
        return index >= 0;
    }
}

public enum ReportTrigger
{
    Submit,
    Claim,
    Approve,
    Return,
    Exempt,
    Reopen,

    /// <summary>An admin stops a report that is still moving (wrongly started, unit dissolved); its timers go with it.</summary>
    Terminate,

    /// <summary>The deadline passed while the report was not submitted: sets the Overdue flag, keeps the state.</summary>
    FlagOverdue,

    /// <summary>The period closed while the report was not submitted: sets the Missed flag, keeps the state.</summary>
    MarkMissed,

    /// <summary>A note in history (a reminder sent, an admin's remark); keeps the state.</summary>
    Note,

    /// <summary>An admin grants a unit that still owes its report a later deadline (gia hạn): keeps the state, clears Overdue.</summary>
    Extend,
}

/// <summary>Where a decision came from: a unit's system, a reviewer's e-mail link, an admin, or a durable timer.</summary>
public enum WorkflowChannel
{
    Api,
    Link,
    Admin,
    Timer,
}

/// <summary>Whether the period still takes submissions: a fact about the period that the Submit guards look at.</summary>
public enum SubmissionWindow
{
    Open,
    PeriodClosed,
    PastHardDeadline,
}

/// <summary>
/// A decision put to the state machine: the trigger and what its guards look at; an Extend carries the new deadline.
/// <see cref="LaterStages"/> is how many review stages come after the one deciding now (the instance knows; one by default).
/// </summary>
public sealed record Proposal(ReportTrigger Trigger, WorkflowChannel Channel, string? Comment, string? ReasonCode,
    SubmissionWindow Window = SubmissionWindow.Open, DateTimeOffset? Deadline = null, int LaterStages = 1);

/// <summary>The state a proposal leads to, or the code and Vietnamese reason it is refused.</summary>
public sealed record Verdict(ReportState To, string? RefusalCode = null, string? Refusal = null)
{
    public bool Allowed => Refusal is null;
}

/// <summary>
/// The workflow of one report, top to bottom. Overdue and Late are flags on the instance, not states: a late report
/// still goes through the same review. Every instance records the <see cref="DefinitionVersion"/> it started under,
/// so a later change to this table can tell old instances from new ones.
/// </summary>
public static class WorkflowDefinition
{
    public const int DefinitionVersion = 1;

    /// <summary>States in which the unit still owes its report: the deadline and the period's close look for these.</summary>
    public static readonly IReadOnlySet<ReportState> NotSubmitted = new HashSet<ReportState> { ReportState.NotStarted, ReportState.Returned };

    /// <summary>States a report does not leave on its own: its timers are cancelled and the period may be complete.</summary>
    public static readonly IReadOnlySet<ReportState> Finished = new HashSet<ReportState> { ReportState.Approved, ReportState.Exempted, ReportState.Terminated };

    /// <summary>
    /// Review positions of a classic period: a first stage that reviews (thẩm định) and a last that approves (phê duyệt).
    /// A period with one stage has its people take both positions, one after the other.
    /// </summary>
    public const int ClassicPositions = 2;

    /// <summary>The review positions of a report whose period has <paramref name="stages"/> stages: one each, at least two.</summary>
    public static int Positions(int stages) => Math.Max(stages, ClassicPositions);

    /// <summary>
    /// What an event does to the instance beside its state: the flags it sets, and the review position it moves. An
    /// approval short of the last hands the report to the next stage; a new version, a return or a reopening starts
    /// the review again from the first.
    /// </summary>
    public static WorkflowInstance Apply(WorkflowInstance instance, ReportTrigger trigger, ReportState from) => trigger switch
    {
        ReportTrigger.FlagOverdue => instance with { Overdue = true },
        ReportTrigger.MarkMissed => instance with { Missed = true },
        ReportTrigger.Extend => instance with { Overdue = false },
        ReportTrigger.Approve when from is ReportState.Submitted or ReportState.InReview => instance with { Stage = instance.Stage + 1 },
        ReportTrigger.Submit or ReportTrigger.Return or ReportTrigger.Reopen => instance with { Stage = 0 },
        _ => instance,
    };

    private sealed record Rule(string Code, Func<ReportTrigger, string> Reason, Func<Proposal, bool> Holds);

    private static readonly Rule CommentGiven = new(RefusalCodes.CommentRequired, _ => "Trả lại báo cáo phải kèm nhận xét cho đơn vị.", p => p.Comment is not null);
    private static readonly Rule ByAdmin = new(RefusalCodes.AdminOnly, t => $"Chỉ quản trị viên mới được {Verb(t)} báo cáo.", p => p.Channel == WorkflowChannel.Admin);
    private static readonly Rule ReasonGiven = new(RefusalCodes.ReasonRequired, t => $"Muốn {Verb(t)} báo cáo phải ghi rõ lý do.", p => p.Comment is not null);
    private static readonly Rule PeriodOpen = new(RefusalCodes.PeriodClosed, _ => "Kỳ báo cáo đã đóng; không nhận bài nộp nữa.", p => p.Window != SubmissionWindow.PeriodClosed);
    private static readonly Rule DeadlineGiven = new(RefusalCodes.DeadlineRequired, _ => "Gia hạn phải nêu hạn nộp mới.", p => p.Deadline is not null);
    private static readonly Rule BeforeHardDeadline = new(RefusalCodes.DeadlinePassed, _ => "Đã quá hạn nộp và kỳ này không nhận bài nộp muộn.", p => p.Window != SubmissionWindow.PastHardDeadline);
    private static readonly Rule MoreStagesAfterNext = new(RefusalCodes.MoreStages, _ => "Báo cáo còn nhiều bước duyệt phía sau.", p => p.LaterStages > 1);
    private static readonly Rule ApprovalNext = new(RefusalCodes.ApprovalNext, _ => "Bước tiếp theo là bước phê duyệt cuối cùng.", p => p.LaterStages <= 1);
    private static readonly Dictionary<string, Rule> Rules = new[]
    {
        CommentGiven, ByAdmin, ReasonGiven, PeriodOpen, BeforeHardDeadline, DeadlineGiven, MoreStagesAfterNext, ApprovalNext,
    }.ToDictionary(r => r.Code);

    private static StateMachine<ReportState, ReportTrigger> Machine(ReportState state, Proposal p)
    {
        Tuple<Func<bool>, string> Guard(Rule rule) => Tuple.Create<Func<bool>, string>(() => rule.Holds(p), rule.Code);

        var submittable = new[] { Guard(PeriodOpen), Guard(BeforeHardDeadline) };
        var machine = new StateMachine<ReportState, ReportTrigger>(state);
        // Internal transitions record an event in the same hash chain without leaving the state.
        foreach (var any in Enum.GetValues<ReportState>()) machine.Configure(any).InternalTransition(ReportTrigger.Note, () => { });
        foreach (var waiting in NotSubmitted)
        {
            machine.Configure(waiting)
                .InternalTransition(ReportTrigger.FlagOverdue, () => { })
                .InternalTransition(ReportTrigger.MarkMissed, () => { })
                // A later deadline for a unit that still owes its report: the state stays, the timers move.
                .PermitReentryIf(ReportTrigger.Extend, Guard(ByAdmin), Guard(ReasonGiven), Guard(DeadlineGiven));
        }
        machine.Configure(ReportState.NotStarted)
            .PermitIf(ReportTrigger.Submit, ReportState.Submitted, submittable)
            .Permit(ReportTrigger.Exempt, ReportState.Exempted);
        // Until a reviewer takes it up, a unit may send a corrected version; it replaces the one waiting.
        // A reviewer deciding from a mail link approves straight from Submitted: taking it up and approving is one decision.
        // An approval hands the report to the next stage: one in the middle of a longer review keeps it in review
        // (the instance's stage moves on), the one before the last stage leaves it awaiting the final approval.
        machine.Configure(ReportState.Submitted)
            .PermitReentryIf(ReportTrigger.Submit, submittable)
            .Permit(ReportTrigger.Claim, ReportState.InReview)
            .PermitIf(ReportTrigger.Approve, ReportState.InReview, Guard(MoreStagesAfterNext))
            .PermitIf(ReportTrigger.Approve, ReportState.AwaitingApproval, Guard(ApprovalNext))
            .PermitIf(ReportTrigger.Return, ReportState.Returned, Guard(CommentGiven));
        machine.Configure(ReportState.InReview)
            .PermitReentryIf(ReportTrigger.Approve, Guard(MoreStagesAfterNext))
            .PermitIf(ReportTrigger.Approve, ReportState.AwaitingApproval, Guard(ApprovalNext))
            .PermitIf(ReportTrigger.Return, ReportState.Returned, Guard(CommentGiven));
        machine.Configure(ReportState.AwaitingApproval)
            .Permit(ReportTrigger.Approve, ReportState.Approved)
            .PermitIf(ReportTrigger.Return, ReportState.Returned, Guard(CommentGiven));
        machine.Configure(ReportState.Approved)
            .PermitIf(ReportTrigger.Reopen, ReportState.Returned, Guard(ByAdmin), Guard(ReasonGiven));
        // Only a report still moving can be stopped; a finished one is reopened instead.
        foreach (var moving in Enum.GetValues<ReportState>().Where(s => !Finished.Contains(s)))
        {
            machine.Configure(moving).PermitIf(ReportTrigger.Terminate, ReportState.Terminated, Guard(ByAdmin), Guard(ReasonGiven));
        }
        // Resubmission is a Submit from Returned; it starts a new version of the report.
        machine.Configure(ReportState.Returned)
            .PermitIf(ReportTrigger.Submit, ReportState.Submitted, submittable)
            .Permit(ReportTrigger.Exempt, ReportState.Exempted);
        return machine;
    }

    /// <summary>Where <paramref name="proposal"/> takes a report that is in <paramref name="from"/>; nothing is stored.</summary>
    public static Verdict Decide(ReportState from, Proposal proposal)
    {
        var machine = Machine(from, proposal);
        if (machine.CanFire(proposal.Trigger, out var unmet))
        {
            machine.Fire(proposal.Trigger);
            return new Verdict(machine.State);
        }
        // Stateless leaves the unmet guards null when the state has no transition for the trigger at all.
        if (unmet?.FirstOrDefault() is { } code) return new Verdict(from, code, Rules[code].Reason(proposal.Trigger));
        return new Verdict(from, RefusalCodes.NotPermitted, $"Không thể {Verb(proposal.Trigger)} khi báo cáo đang ở trạng thái «{Name(from)}».");
    }

    /// <summary>
    /// The state machine as a Mermaid state diagram, generated from the declaration above; docs/workflow.md holds it
    /// and a test fails when the two drift apart.
    /// </summary>
    public static string MermaidDiagram() => StateNames.Replace(
        Stateless.Graph.MermaidGraph.Format(Machine(ReportState.NotStarted, new Proposal(ReportTrigger.Submit, WorkflowChannel.Api, null, null)).GetInfo()),
        state => Enum.Parse<ReportState>(state.Value).Code());

    /// <summary>The states as Stateless names them (the enum's own names), to be spelled as the API does.</summary>
    private static readonly Regex StateNames = new($@"\b({string.Join('|', Enum.GetNames<ReportState>())})\b");

    public static string Name(ReportState state) => state switch
    {
        ReportState.NotStarted => "chưa nộp",
        ReportState.Submitted => "đã nộp",
        ReportState.InReview => "đang thẩm định",
        ReportState.AwaitingApproval => "chờ lãnh đạo duyệt",
        ReportState.Approved => "đã duyệt",
        ReportState.Returned => "bị trả lại",
        ReportState.Exempted => "được miễn",
        _ => "đã dừng",
    };

    public static string Verb(ReportTrigger trigger) => trigger switch
    {
        ReportTrigger.Submit => "nộp",
        ReportTrigger.Claim => "nhận thẩm định",
        ReportTrigger.Approve => "duyệt",
        ReportTrigger.Return => "trả lại",
        ReportTrigger.Exempt => "miễn nộp",
        ReportTrigger.Reopen => "mở lại",
        ReportTrigger.Terminate => "dừng",
        ReportTrigger.FlagOverdue => "ghi nhận quá hạn",
        ReportTrigger.MarkMissed => "ghi nhận không nộp",
        ReportTrigger.Extend => "gia hạn",
        _ => "ghi chú",
    };
}
