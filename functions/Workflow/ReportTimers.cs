using Baocao.Hosting;

namespace Baocao.Workflow;

/// <summary>What a timer's firing does to its instance: the event it records (with its work), or nothing when stale.</summary>
public sealed record TimerFiring(ReportTrigger Trigger, string? Comment, IReadOnlyList<WorkItem> Work);

/// <summary>
/// What a kind of durable timer does when it comes due. Features register their kinds (the deadline here, reminders
/// and review waits in Reminders); a firing finds the kind by the name stored with the timer.
/// </summary>
public interface ITimerKind
{
    string Kind { get; }

    /// <summary>The event to record now, or null when the instance has moved on and the timer means nothing any more.</summary>
    TimerFiring? Fire(WorkflowInstance instance, DurableTimer timer);
}

/// <summary>At the period's deadline, a report still not submitted is flagged overdue, with an event in its history.</summary>
public sealed class DeadlineTimer(PeopleTime time) : ITimerKind
{
    public const string Name = "deadline";

    public string Kind => Name;

    public static DurableTimer For(DateTimeOffset deadline) => new(Name, Name, deadline);

    public TimerFiring? Fire(WorkflowInstance instance, DurableTimer timer) =>
        WorkflowDefinition.NotSubmitted.Contains(instance.State) && !instance.Overdue
            ? new TimerFiring(ReportTrigger.FlagOverdue, $"Quá hạn nộp báo cáo (hạn {time.Describe(timer.Due)}).", [])
            : null;
}

/// <summary>
/// The activities behind <see cref="ReportOrchestration"/>: a look at a report's timer rows, and the firing of one
/// that came due. A firing goes through the engine, which deletes the timer row under the ETag it was read with in the
/// firing's own transaction, so a firing repeated (an activity run again after a crash) or overtaken by a decision
/// records nothing. A firing signals nobody: the orchestration that fired looks again in its next round.
/// </summary>
public sealed partial class ReportTimers(WorkflowStore store, WorkflowEngine engine, IEnumerable<ITimerKind> kinds, PeopleTime time, ILogger<ReportTimers> logger)
{
    /// <summary>The actor history names for what timers do.</summary>
    public const string Actor = "hệ thống";

    private readonly Dictionary<string, ITimerKind> _kinds = kinds.ToDictionary(k => k.Kind);

    /// <summary>The report's earliest timer and how long until it is due, by the app's clock.</summary>
    public async Task<ReportLook> LookAsync(string instanceId, CancellationToken cancellationToken)
    {
        var now = time.UtcNow;
        var instance = (await store.GetAsync(instanceId, cancellationToken))?.Instance;
        var next = (await store.TimersAsync(instanceId, cancellationToken)).Select(t => t.Timer).MinBy(t => t.Due);
        var finished = instance is null || WorkflowDefinition.Finished.Contains(instance.State);
        return new ReportLook(next?.Name, next?.Due, next is null ? TimeSpan.Zero : next.Due - now, finished, now, instance?.PeriodId, instance?.Sequence ?? 0);
    }

    /// <summary>
    /// Fires a due timer: the event its kind records, or, when the timer is gone, moved or means nothing any more, its
    /// row removed. Returns whether an event was recorded.
    /// </summary>
    public async Task<bool> FireAsync(DueTimer due, CancellationToken cancellationToken)
    {
        var timer = await store.GetTimerAsync(due.InstanceId, due.Name, cancellationToken);
        if (timer is null || timer.Timer.Due != due.Due) return false;
        var instance = (await store.GetAsync(due.InstanceId, cancellationToken))?.Instance;
        var firing = instance is null ? null
            : _kinds.TryGetValue(timer.Timer.Kind, out var kind) ? kind.Fire(instance, timer.Timer)
            : throw new InvalidOperationException($"No timer kind '{timer.Timer.Kind}' is registered.");
        if (firing is not null)
        {
            var result = await engine.FireAsync(due.InstanceId, new Firing(firing.Trigger, Actor, WorkflowChannel.Timer)
            {
                Comment = firing.Comment, Work = firing.Work, SeenState = instance!.State, Timer = timer,
            }, workflow: null, cancellationToken);
            if (result is FireResult.Applied) return true;
        }
        // Stale, or fired meanwhile by a run before this one: either way the timer has nothing left to do.
        await store.TryRemoveTimerAsync(timer, cancellationToken);
        LogStale(logger, due.InstanceId, due.Name);
        return false;
    }

    [LoggerMessage(LogLevel.Debug, "Workflow {InstanceId}: timer {Timer} came due with nothing to do")]
    private static partial void LogStale(ILogger logger, string instanceId, string timer);
}
