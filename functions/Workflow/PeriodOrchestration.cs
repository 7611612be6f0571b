using Baocao.Catalog;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Baocao.Workflow;

/// <summary>
/// What the catalogue says of a period when its orchestration looks: its status, the units in scope without a report
/// yet, and whether every report has finished while the period is not yet recorded complete.
/// </summary>
public sealed record PeriodLook(PeriodStatus? Status, IReadOnlyList<string> UnitsWithoutReport, bool AllFinished);

/// <summary>Reports of one period for one activity to act on: units to start, or instances to mark missed.</summary>
public sealed record PeriodBatch(string PeriodId, IReadOnlyList<string> Items);

/// <summary>
/// One period's life, an orchestration with the period's id as its instance id. While the period is open it gives
/// every unit in scope its report, records the period complete once every report has finished, then waits; a signal
/// (a unit saved into the scope, a report finishing, the close, the reconciler's look) starts the next round, which
/// looks again. Once the period is closed it marks every report never submitted as missed, records the period
/// complete (unless it was already) and ends. Each round looks afresh and only adds what is missing, so a round
/// repeated after a crash, or a signal that came twice, changes nothing.
/// </summary>
public sealed class PeriodOrchestration(PeriodActivities activities)
{
    /// <summary>The one event the orchestration waits for; what it says is only for the history.</summary>
    public const string Signal = "period-changed";

    /// <summary>Reports one activity starts or marks, in parallel: enough to hide latency, few enough to spare the account.</summary>
    public const int Batch = 16;

    public static string InstanceId(string periodId) => CatalogText.NormalizeCode(periodId);

    [Function(nameof(PeriodOrchestration))]
    public static async Task<string> RunAsync([OrchestrationTrigger] TaskOrchestrationContext context, string periodId)
    {
        var look = await context.CallActivityAsync<PeriodLook>(nameof(LookAtPeriod), periodId, Orchestrations.Retried);
        switch (look.Status)
        {
            case PeriodStatus.Open:
                await Task.WhenAll(look.UnitsWithoutReport.Chunk(Batch)
                    .Select(units => context.CallActivityAsync(nameof(StartReports), new PeriodBatch(periodId, units), Orchestrations.Retried)));
                if (look.AllFinished) await context.CallActivityAsync(nameof(RecordAllFinished), periodId, Orchestrations.Retried);
                context.SetCustomStatus(new { open = true, started = look.UnitsWithoutReport.Count });
                await context.WaitForExternalEvent<string>(Signal);
                // A new generation per round keeps the history short; a signal that came meanwhile is carried over.
                context.ContinueAsNew(periodId, preserveUnprocessedEvents: true);
                return "open";
            case PeriodStatus.Closed:
                var owing = await context.CallActivityAsync<IReadOnlyList<string>>(nameof(ReportsOwing), periodId, Orchestrations.Retried);
                await Task.WhenAll(owing.Chunk(Batch)
                    .Select(instances => context.CallActivityAsync(nameof(MarkMissed), new PeriodBatch(periodId, instances), Orchestrations.Retried)));
                await context.CallActivityAsync(nameof(RecordClosed), periodId, Orchestrations.Retried);
                return "closed";
            default:
                // Planned, or gone: nothing to run until the period opens, which starts the orchestration again.
                return "not-open";
        }
    }

    [Function(nameof(LookAtPeriod))]
    public Task<PeriodLook> LookAtPeriod([ActivityTrigger] string periodId, CancellationToken ct) => activities.LookAsync(periodId, ct);

    [Function(nameof(StartReports))]
    public Task StartReports([ActivityTrigger] PeriodBatch batch, [DurableClient] DurableTaskClient workflow, CancellationToken ct) =>
        activities.StartAsync(batch, workflow, ct);

    [Function(nameof(ReportsOwing))]
    public Task<IReadOnlyList<string>> ReportsOwing([ActivityTrigger] string periodId, CancellationToken ct) => activities.OwingAsync(periodId, ct);

    [Function(nameof(MarkMissed))]
    public Task MarkMissed([ActivityTrigger] PeriodBatch batch, [DurableClient] DurableTaskClient workflow, CancellationToken ct) =>
        activities.MarkMissedAsync(batch, workflow, ct);

    [Function(nameof(RecordAllFinished))]
    public Task RecordAllFinished([ActivityTrigger] string periodId, CancellationToken ct) => activities.CompleteAsync(periodId, "all-finished", ct);

    [Function(nameof(RecordClosed))]
    public Task RecordClosed([ActivityTrigger] string periodId, CancellationToken ct) => activities.CompleteAsync(periodId, "closed", ct);
}
