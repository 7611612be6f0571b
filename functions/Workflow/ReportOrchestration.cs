using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Baocao.Workflow;

/// <summary>
/// What a report's orchestration sees when it looks: the report's earliest timer (its name, when it is due, and how
/// long that is from now by the app's clock), whether the report is finished, the app's time of the look, the
/// report's period (null when the report is gone) and the sequence of its last event.
/// </summary>
public sealed record ReportLook(string? NextTimer, DateTimeOffset? NextDue, TimeSpan DueIn, bool Finished, DateTimeOffset LookedAt, string? PeriodId,
    int Sequence = 0)
{
    /// <summary>Nothing left to wait for: the report is finished (or gone) and holds no timer.</summary>
    public bool Done => Finished && NextTimer is null;
}

/// <summary>A report's timer that came due, as the firing activity takes it.</summary>
public sealed record DueTimer(string InstanceId, string Name, DateTimeOffset Due);

/// <summary>
/// One report's clock, an orchestration with the report's id (<c>{periodId}~{unitCode}</c>) as its instance id. The
/// report's timers (its deadline, the reminder steps before and after it, each review stage's waits) are rows in its
/// own partition, set and removed by the decisions in the same transaction as the state they belong to; this
/// orchestration waits on a durable timer for the earliest of them and fires it when it comes due. A decision that
/// changes the timers signals <see cref="Changed"/> before it commits (<see cref="ReportSignals"/>), naming the event
/// it will commit; the orchestration looks until the report has that event, then the next round. A firing that lost to a
/// decision, or came twice, is refused by the timer row's ETag, so it changes nothing. Once the report has finished
/// (approved, exempted, stopped) the orchestration tells the period's, which looks whether the period is complete.
/// </summary>
/// <remarks>
/// How long to wait is asked of the app's clock (<see cref="ReportLook.DueIn"/>) rather than read off the timer's
/// instant, so a test that moves the app's clock and signals gets the same answer the real clock gives in time.
/// </remarks>
public sealed class ReportOrchestration(ReportTimers timers)
{
    /// <summary>The event a decision that changed the report's timers raises; what it says is only for the history.</summary>
    public const string Changed = "report-changed";

    /// <summary>How long a round whose firing failed even when retried waits before it looks again.</summary>
    private static readonly TimeSpan AfterFailure = TimeSpan.FromMinutes(5);

    /// <summary>The longest pause between looks for a signalled event: 1 s, 2 s … 32 s, about a minute in all.</summary>
    private static readonly TimeSpan CommitPatience = TimeSpan.FromSeconds(32);

    [Function(nameof(ReportOrchestration))]
    public static async Task<string> RunAsync([OrchestrationTrigger] TaskOrchestrationContext context, string instanceId)
    {
        var look = await context.CallActivityAsync<ReportLook>(nameof(LookAtReportTimers), instanceId, Orchestrations.Retried);
        context.SetCustomStatus(look);
        if (look.Done)
        {
            if (look.PeriodId is { } period) await TellThePeriodAsync(context, period);
            return "finished";
        }
        if (look is { NextTimer: { } name, NextDue: { } due, DueIn.Ticks: <= 0 })
        {
            try
            {
                await context.CallActivityAsync(nameof(FireReportTimer), new DueTimer(instanceId, name, due), Orchestrations.Retried);
            }
            catch (TaskFailedException)
            {
                await context.CreateTimer(context.CurrentUtcDateTime + AfterFailure, CancellationToken.None);
            }
        }
        else if (await WaitAsync(context, look) is { } change && change.Sequence > look.Sequence)
        {
            await UntilReachedAsync(context, instanceId, change.Sequence);
        }
        // A new generation per round keeps the history short; a signal that came meanwhile is carried over.
        context.ContinueAsNew(instanceId, preserveUnprocessedEvents: true);
        return "waiting";
    }

    /// <summary>
    /// Tells the period's orchestration that a report finished. A signal that cannot be raised even when retried is
    /// left to the period reconciler, whose next look signals every open period.
    /// </summary>
    private static async Task TellThePeriodAsync(TaskOrchestrationContext context, string periodId)
    {
        try
        {
            await context.CallActivityAsync(nameof(TellPeriodReportFinished), periodId, Orchestrations.Retried);
        }
        catch (TaskFailedException)
        {
        }
    }

    /// <summary>
    /// Waits for the earliest timer, or for a signal that the timers changed, whichever comes first; returns the signal,
    /// or null when the timer came due.
    /// </summary>
    private static async Task<ReportChange?> WaitAsync(TaskOrchestrationContext context, ReportLook look)
    {
        using var cancel = new CancellationTokenSource();
        var changed = context.WaitForExternalEvent<ReportChange>(Changed, cancel.Token);
        if (look.NextTimer is null) return await changed;
        var due = context.CreateTimer(context.CurrentUtcDateTime + look.DueIn, cancel.Token);
        var first = await Task.WhenAny(changed, due);
        // The one that lost is cancelled: a pending timer would keep the generation from ending.
        cancel.Cancel();
        return first == changed ? await changed : null;
    }

    /// <summary>
    /// A decision signals before it commits: looks, with growing pauses, until the report has the event the signal
    /// named. A commit that never comes (its decision lost a race, or failed) is given up on after about a minute.
    /// </summary>
    private static async Task UntilReachedAsync(TaskOrchestrationContext context, string instanceId, int sequence)
    {
        for (var pause = TimeSpan.FromSeconds(1); pause <= CommitPatience; pause *= 2)
        {
            var look = await context.CallActivityAsync<ReportLook>(nameof(LookAtReportTimers), instanceId, Orchestrations.Retried);
            if (look.Sequence >= sequence) return;
            await context.CreateTimer(context.CurrentUtcDateTime + pause, CancellationToken.None);
        }
    }

    [Function(nameof(LookAtReportTimers))]
    public Task<ReportLook> LookAtReportTimers([ActivityTrigger] string instanceId, CancellationToken ct) => timers.LookAsync(instanceId, ct);

    [Function(nameof(FireReportTimer))]
    public Task FireReportTimer([ActivityTrigger] DueTimer timer, CancellationToken ct) => timers.FireAsync(timer, ct);

    [Function(nameof(TellPeriodReportFinished))]
    public Task TellPeriodReportFinished([ActivityTrigger] string periodId, [DurableClient] DurableTaskClient workflow, CancellationToken ct) =>
        PeriodSignals.SignalAsync(workflow, periodId, "report-finished", ct);
}
