using System.Text.Json;
using Baocao.Catalog;
using Baocao.Hosting;
using Baocao.Workflow;

namespace Baocao.Reminders;

/// <summary>
/// A step of the period's reminder policy as a timer carries it: which step, its mail, its audience, the deadline it
/// counts from, and when the next step of the same schedule comes due. A step whose next one is due too by the time it
/// fires (the app was down) is skipped: after downtime only the latest step still relevant goes out.
/// </summary>
public sealed record ReminderStepTimer(int Step, string Template, ReminderAudience Audience, string Offset, DateTimeOffset Deadline, DateTimeOffset? Next);

/// <summary>
/// A report waiting in a review stage, as its timer carries it: the stage and its review position, the states that mean
/// "still waiting there", the version, since when. Timers set before stages became a list carry no position.
/// </summary>
public sealed record ReviewWaitTimer(string Stage, string StageName, IReadOnlyList<ReportState> States, int Version, bool Escalation,
    string Notify, DateTimeOffset Since, DateTimeOffset? Next, int? Position = null);

/// <summary>
/// Reminders before and after a deadline, for a unit that still owes its report. Firing records a note in the report's
/// history and a notice for the digest; it never mails by itself, so each recipient gets one mail per sweep.
/// </summary>
public sealed class ReminderTimer(PeopleTime time) : ITimerKind
{
    public const string Name = "reminder";

    public string Kind => Name;

    public TimerFiring? Fire(WorkflowInstance instance, DurableTimer timer)
    {
        var step = timer.Payload!.Value.Deserialize<ReminderStepTimer>(JsonSerializerOptions.Web)!;
        if (!WorkflowDefinition.NotSubmitted.Contains(instance.State)) return null;
        if (step.Next is { } next && time.UtcNow >= next) return null;
        var comment = $"Nhắc hạn nộp báo cáo ({ReminderText.When(step.Offset)}, hạn {time.Describe(step.Deadline)}): gửi {ReminderText.Audience(step.Audience)}.";
        var notice = new NoticeWork(instance.Id, instance.PeriodId, instance.UnitCode, step.Template, step.Audience, Stage: null, step.Deadline, Since: null);
        return new TimerFiring(ReportTrigger.Note, comment, [notice.ToWorkItem()]);
    }
}

/// <summary>
/// The reviewer's SLA: a report that waits in a stage longer than the stage's limit reminds that stage's people, and
/// twice as long escalates to the approver. Stale once the report left the stage (to the next one, too) or a new version came.
/// </summary>
public sealed class ReviewWaitTimerKind(PeopleTime time) : ITimerKind
{
    public const string Name = "review-wait";

    public string Kind => Name;

    public TimerFiring? Fire(WorkflowInstance instance, DurableTimer timer)
    {
        var wait = timer.Payload!.Value.Deserialize<ReviewWaitTimer>(JsonSerializerOptions.Web)!;
        if (!wait.States.Contains(instance.State) || wait.Version != instance.Version || wait.Position is { } p && p != instance.Stage) return null;
        if (wait.Next is { } next && time.UtcNow >= next) return null;
        var comment = wait.Escalation
            ? $"Báo cáo chờ ở bước «{wait.StageName}» từ {time.Describe(wait.Since)}, quá hạn xử lý: báo lãnh đạo phê duyệt."
            : $"Báo cáo chờ ở bước «{wait.StageName}» từ {time.Describe(wait.Since)}, quá hạn xử lý: nhắc người duyệt.";
        var notice = new NoticeWork(instance.Id, instance.PeriodId, instance.UnitCode,
            wait.Escalation ? ReminderText.ReviewEscalation : ReminderText.ReviewWaiting, Audience: null, wait.Notify, Deadline: null, wait.Since);
        return new TimerFiring(ReportTrigger.Note, comment, [notice.ToWorkItem()]);
    }
}

/// <summary>
/// Keeps a report's reminder and review-wait timers in step with its state: an instance starts with the period's
/// reminder steps; a Submit cancels the steps left (in its own transaction) and starts the wait in the first stage; a
/// return sets the steps still ahead again; every approval hands the wait to the next stage; an extension re-plans the
/// steps and the deadline from the unit's new deadline. Finishing (approval, exemption) cancels everything in the engine.
/// </summary>
public sealed class ReminderPolicy(CatalogStore catalog, WorkingHours hours, PeopleTime time, Microsoft.Extensions.Options.IOptions<ReminderOptions> options)
    : ITimerPolicy
{
    public const string StepPrefix = "remind-";
    public const string WaitName = "review-wait";
    public const string EscalateName = "review-escalate";

    /// <summary>The steps still ahead: a report started late (a period opened, or a unit added, after a step's time) does not get the steps behind it.</summary>
    public IReadOnlyList<DurableTimer> AtStart(Period period, string unitCode) => Steps(period, period.Deadline, after: time.UtcNow);

    public bool Concerns(HistoryEvent e) => e.Trigger == ReportTrigger.Extend || Owing(e.From) != Owing(e.To) || StageMoves(e);

    public async Task<TimerChange> ChangeAsync(WorkflowInstance next, HistoryEvent e, IReadOnlyList<StoredTimer> timers, CancellationToken cancellationToken)
    {
        var period = (await catalog.GetAsync<Period>(CatalogStore.Periods, next.PeriodId, cancellationToken))?.Value;
        if (period is null) return TimerChange.None;
        var set = new List<DurableTimer>();
        var kinds = new HashSet<string>();
        if (e.Trigger == ReportTrigger.Extend || Owing(e.From) != Owing(e.To))
        {
            kinds.Add(ReminderTimer.Name);
            var deadline = next.DeadlineOr(period.Deadline);
            // Steps already behind the report are not sent again: a return or an extension only sets the steps ahead.
            if (Owing(e.To)) set.AddRange(Steps(period, deadline, after: e.At));
            if (e.Trigger == ReportTrigger.Extend) set.Add(DeadlineTimer.For(deadline));
        }
        if (StageMoves(e))
        {
            kinds.Add(ReviewWaitTimerKind.Name);
            if (InReview(e.To)) set.AddRange(Waits(period, next, e.At));
        }
        return new TimerChange(set, timers.Where(t => kinds.Contains(t.Timer.Kind)).ToList());
    }

    private static bool Owing(ReportState state) => WorkflowDefinition.NotSubmitted.Contains(state);

    private static bool InReview(ReportState state) => state is ReportState.Submitted or ReportState.InReview or ReportState.AwaitingApproval;

    /// <summary>Whether the report's wait moves to another stage: it enters review or leaves it, or an approval hands it on.</summary>
    private static bool StageMoves(HistoryEvent e) =>
        InReview(e.From) != InReview(e.To) || e.Trigger == ReportTrigger.Approve;

    /// <summary>
    /// The period's reminder steps for <paramref name="deadline"/>, each moved into working hours and told when the next
    /// one is due; with <paramref name="after"/>, only those still ahead of it.
    /// </summary>
    private List<DurableTimer> Steps(Period period, DateTimeOffset deadline, DateTimeOffset? after)
    {
        var steps = period.Reminders
            .Select((step, index) => (step, index, due: Due(deadline, ReminderText.Offset(step.Offset))))
            .OrderBy(s => s.due).ThenBy(s => s.index)
            .ToList();
        return steps.Select((s, i) => new DurableTimer($"{StepPrefix}{s.index:D2}", ReminderTimer.Name, s.due,
                JsonSerializer.SerializeToElement(new ReminderStepTimer(s.index, s.step.Template, s.step.Audience, s.step.Offset, deadline,
                    i + 1 < steps.Count ? steps[i + 1].due : null), JsonSerializerOptions.Web)))
            .Where(t => after is null || t.Due > after)
            .ToList();
    }

    /// <summary>A step's time moved into working hours; a step before the deadline never moves past it.</summary>
    private DateTimeOffset Due(DateTimeOffset deadline, TimeSpan offset)
    {
        var due = hours.Next(deadline + offset);
        return offset < TimeSpan.Zero && due >= deadline ? hours.Previous(deadline + offset) : due;
    }

    /// <summary>
    /// The wait in the stage deciding <paramref name="next"/>: its people are reminded after the stage's limit, counted
    /// in working days and hours; the approver is told after twice that, unless the stage is the approver's.
    /// </summary>
    private List<DurableTimer> Waits(Period period, WorkflowInstance next, DateTimeOffset since)
    {
        var stage = period.StageAt(next.Stage);
        var approver = period.Stages[^1];
        var approving = next.LaterStages() == 0;
        var limit = options.Value.LimitOf(stage.Code);
        var states = approving ? [ReportState.AwaitingApproval] : new[] { ReportState.Submitted, ReportState.InReview };
        var remind = hours.After(since, limit);
        var escalate = !approving && period.Stages.Count > 1 ? hours.After(since, 2 * limit) : (DateTimeOffset?)null;
        DurableTimer Wait(string name, DateTimeOffset due, bool escalation, string notify, DateTimeOffset? after) =>
            new(name, ReviewWaitTimerKind.Name, due, JsonSerializer.SerializeToElement(
                new ReviewWaitTimer(stage.Code, stage.Name, states, next.Version, escalation, notify, since, after, next.Stage), JsonSerializerOptions.Web));
        return escalate is { } up
            ? [Wait(WaitName, remind, false, stage.Code, up), Wait(EscalateName, up, true, approver.Code, null)]
            : [Wait(WaitName, remind, false, stage.Code, null)];
    }
}

/// <summary>How reminders speak: the mails a step may name, its audience and its offset, in Vietnamese.</summary>
public static class ReminderText
{
    public const string Before = "reminder-before";
    public const string Due = "reminder-due";
    public const string Escalation = "escalation";
    public const string ReviewWaiting = "review-waiting";
    public const string ReviewEscalation = "review-escalation";

    public static TimeSpan Offset(string offset) =>
        PeriodCalendar.TryParseOffset(offset, out var span) ? span : throw new FormatException($"Reminder offset '{offset}' is not ISO 8601.");

    public static string Audience(ReminderAudience audience) => audience switch
    {
        ReminderAudience.UnitReportingOfficer => "cán bộ phụ trách báo cáo của đơn vị",
        ReminderAudience.UnitHead => "lãnh đạo đơn vị",
        _ => "chuyên viên theo dõi của Ban",
    };

    /// <summary>«7 ngày trước hạn», «đúng hạn», «2 ngày sau hạn», «30 phút trước hạn».</summary>
    public static string When(string offset)
    {
        var span = Offset(offset);
        if (span == TimeSpan.Zero) return "đúng hạn";
        var size = span.Duration();
        var amount = size.TotalDays >= 1 && size.TotalDays % 1 == 0 ? $"{size.TotalDays:0} ngày"
            : size.TotalHours >= 1 && size.TotalHours % 1 == 0 ? $"{size.TotalHours:0} giờ"
            : $"{size.TotalMinutes:0} phút";
        return span < TimeSpan.Zero ? $"{amount} trước hạn" : $"{amount} sau hạn";
    }
}
