using Baocao.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Baocao.Workflow;

/// <summary>The workflow's timer and queue functions: the sweep of due timers, and the delivery of outbox work.</summary>
public sealed class WorkflowTriggers(TimerSweeper sweeper, OutboxDispatcher dispatcher)
{
    /// <summary>The app setting that holds the sweep's NCRONTAB schedule (with seconds); a flat name, which every host resolves.</summary>
    public const string SweepScheduleSetting = "Baocao_TimerSweepSchedule";

    /// <summary>Fires due reminders, deadlines and escalations; schedule monitoring keeps its last run, so a restart skips none.</summary>
    [Function("TimerSweep")]
    public async Task SweepAsync([TimerTrigger("%" + SweepScheduleSetting + "%", UseMonitor = true)] TimerInfo timer, CancellationToken ct) =>
        await sweeper.SweepAsync(ct);

    /// <summary>
    /// Delivers one outbox message. Throwing fails the invocation, so the host retries the message and moves it to
    /// <c>outbox-poison</c> after host.json's <c>maxDequeueCount</c> tries.
    /// </summary>
    [Function("OutboxDispatch")]
    public Task DispatchAsync([QueueTrigger(StorageNames.OutboxQueue, Connection = StorageConnection.Setting)] string message,
        [DurableClient] DurableTaskClient workflow, CancellationToken ct) =>
        dispatcher.DispatchAsync(message, workflow, ct);
}
