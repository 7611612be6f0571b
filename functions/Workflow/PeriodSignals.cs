using Baocao.Catalog;
using Baocao.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Baocao.Workflow;

/// <summary>
/// Tells period orchestrations what the catalogue did: opening a period starts its <see cref="PeriodOrchestration"/>;
/// closing it, or saving units (the scope of an open period may change), signals the running ones. The catalogue change
/// is stored first, so a process that dies before the signal leaves it to the reconciler, which on start-up and on its
/// schedule starts the orchestration of every open period that has none, and of a closed one never recorded complete,
/// and signals the rest to look again.
/// </summary>
public sealed partial class PeriodSignals(CatalogStore catalog, WorkflowStore reports, StorageReadiness readiness, ILogger<PeriodSignals> logger) : ICatalogObserver
{
    /// <summary>The app setting that holds the reconciler's NCRONTAB schedule (with seconds).</summary>
    public const string ReconcileScheduleSetting = "Baocao_PeriodReconcileSchedule";

    public Task PeriodMovedAsync(Period period, DurableTaskClient? workflow, CancellationToken cancellationToken) => (workflow, period.Status) switch
    {
        (null, _) => Task.CompletedTask,
        (_, PeriodStatus.Open) => StartAsync(workflow, period.Id, cancellationToken),
        (_, PeriodStatus.Closed) => SignalAsync(workflow, period.Id, "closed", cancellationToken),
        _ => Task.CompletedTask,
    };

    public async Task UnitsSavedAsync(IReadOnlyList<OrgUnit> units, DurableTaskClient? workflow, CancellationToken cancellationToken)
    {
        if (workflow is null) return;
        foreach (var period in await OpenPeriodsAsync(cancellationToken)) await SignalAsync(workflow, period.Id, "units-saved", cancellationToken);
    }

    [Function("ReconcilePeriods")]
    public async Task ReconcileAsync(
        [TimerTrigger("%" + ReconcileScheduleSetting + "%", RunOnStartup = true)] TimerInfo timer, [DurableClient] DurableTaskClient workflow,
        CancellationToken ct)
    {
        // Start-up work (the demo province's seeding, for one) may open a period without a client to start it.
        await readiness.Ready.WaitAsync(ct);
        foreach (var period in await catalog.ListAsync<Period>(CatalogStore.Periods, ct))
        {
            if (period.Status == PeriodStatus.Open) await StartAsync(workflow, period.Id, ct);
            else if (period.Status == PeriodStatus.Closed && await IsAliveAsync(workflow, period.Id, ct)) await SignalAsync(workflow, period.Id, "closed", ct);
            // Closed before any orchestration ran (opened and closed by start-up work, or its signal lost): one last run does the close.
            else if (period.Status == PeriodStatus.Closed && await reports.PeriodCompletionAsync(period.Id, ct) is null) await StartAsync(workflow, period.Id, ct);
        }
    }

    /// <summary>Starts the period's orchestration, or signals it to look again when it runs already.</summary>
    private async Task StartAsync(DurableTaskClient workflow, string periodId, CancellationToken cancellationToken)
    {
        if (await IsAliveAsync(workflow, periodId, cancellationToken))
        {
            await SignalAsync(workflow, periodId, "reconcile", cancellationToken);
            return;
        }
        var id = PeriodOrchestration.InstanceId(periodId);
        await Orchestrations.StartOnceAsync(workflow, nameof(PeriodOrchestration), id, cancellationToken);
        LogStarted(logger, id);
    }

    /// <summary>Asks the period's orchestration to look again; <paramref name="what"/> is only for its history.</summary>
    public static async Task SignalAsync(DurableTaskClient workflow, string periodId, string what, CancellationToken cancellationToken) =>
        await workflow.RaiseEventAsync(PeriodOrchestration.InstanceId(periodId), PeriodOrchestration.Signal, what, cancellationToken);

    private static Task<bool> IsAliveAsync(DurableTaskClient workflow, string periodId, CancellationToken cancellationToken) =>
        Orchestrations.IsAliveAsync(workflow, PeriodOrchestration.InstanceId(periodId), cancellationToken);

    private async Task<IEnumerable<Period>> OpenPeriodsAsync(CancellationToken cancellationToken) =>
        (await catalog.ListAsync<Period>(CatalogStore.Periods, cancellationToken)).Where(p => p.Status == PeriodStatus.Open);

    [LoggerMessage(LogLevel.Information, "Period orchestration {InstanceId} started")]
    private static partial void LogStarted(ILogger logger, string instanceId);
}
