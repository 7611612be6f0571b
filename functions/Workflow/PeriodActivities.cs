using Baocao.Catalog;
using Baocao.Hosting;
using Microsoft.DurableTask.Client;

namespace Baocao.Workflow;

/// <summary>
/// What a period does to its reports, as <see cref="PeriodOrchestration"/>'s activities ask: give each unit in scope
/// its report (with its deadline timer and the timers the <see cref="ITimerPolicy"/>s give it), mark the ones never
/// submitted as missed, and record the period complete once, when the last report finishes or at the close. Every
/// step only adds what is missing, so repeating it is harmless.
/// </summary>
public sealed partial class PeriodActivities(
    CatalogStore catalog,
    WorkflowStore store,
    WorkflowEngine engine,
    IEnumerable<ITimerPolicy> policies,
    PeopleTime time,
    ILogger<PeriodActivities> logger)
{
    /// <summary>
    /// The period's status, and while it is open the units in its scope that have no report yet and whether every
    /// report is finished (approved, exempted or stopped) without the period recorded complete yet.
    /// </summary>
    public async Task<PeriodLook> LookAsync(string periodId, CancellationToken cancellationToken)
    {
        var period = (await catalog.GetAsync<Period>(CatalogStore.Periods, CatalogText.NormalizeCode(periodId), cancellationToken))?.Value;
        if (period is not { Status: PeriodStatus.Open }) return new PeriodLook(period?.Status, [], false);
        var units = await catalog.ListAsync<OrgUnit>(CatalogStore.Units, cancellationToken);
        var instances = await store.PeriodInstancesAsync(period.Id, cancellationToken);
        var existing = instances.Select(i => i.UnitCode).ToHashSet();
        var missing = CatalogService.UnitsInScope(period, units).Select(u => u.Code).Where(code => !existing.Contains(code)).ToList();
        var finished = missing.Count == 0 && instances.Count > 0 && instances.All(i => WorkflowDefinition.Finished.Contains(i.State))
            && await store.PeriodCompletionAsync(period.Id, cancellationToken) is null;
        LogLooked(logger, period.Id, missing.Count, existing.Count);
        return new PeriodLook(period.Status, missing, finished);
    }

    /// <summary>
    /// Starts the reports of a batch of units, each with its first timers and the orchestration that keeps them; a report
    /// that exists stays as it is. Run again after a crash, it starts what the first run did not.
    /// </summary>
    public async Task StartAsync(PeriodBatch batch, DurableTaskClient workflow, CancellationToken cancellationToken)
    {
        var period = (await catalog.GetAsync<Period>(CatalogStore.Periods, batch.PeriodId, cancellationToken))?.Value
            ?? throw new InvalidOperationException($"Period {batch.PeriodId} is gone.");
        await Task.WhenAll(batch.Items.Select(async unit =>
        {
            var report = await engine.StartAsync(period.Id, unit, cancellationToken,
                [DeadlineTimer.For(period.Deadline), .. policies.SelectMany(p => p.AtStart(period, unit))], WorkflowDefinition.Positions(period.Stages.Count));
            await ReportSignals.StartAsync(workflow, report.Id, cancellationToken);
        }));
    }

    /// <summary>The reports of the period never submitted and not yet marked missed.</summary>
    public async Task<IReadOnlyList<string>> OwingAsync(string periodId, CancellationToken cancellationToken) =>
        (await store.PeriodInstancesAsync(periodId, cancellationToken))
            .Where(i => WorkflowDefinition.NotSubmitted.Contains(i.State) && !i.Missed).Select(i => i.Id).ToList();

    /// <summary>Marks a batch of reports missed, naming the close in their history; a report submitted meanwhile is left alone.</summary>
    public async Task MarkMissedAsync(PeriodBatch batch, DurableTaskClient workflow, CancellationToken cancellationToken)
    {
        var period = (await catalog.GetAsync<Period>(CatalogStore.Periods, batch.PeriodId, cancellationToken))?.Value;
        var comment = $"Kỳ báo cáo đã đóng lúc {time.Describe(period?.ClosedAt ?? time.UtcNow)} mà đơn vị chưa nộp báo cáo.";
        var missed = WorkflowApi.ByAdmin(ReportTrigger.MarkMissed) with { Comment = comment, ReasonCode = "period-closed" };
        await Task.WhenAll(batch.Items.Select(id => engine.FireAsync(id, missed, workflow, cancellationToken)));
    }

    /// <summary>Records the period complete, once: a period complete already keeps its first record.</summary>
    public async Task CompleteAsync(string periodId, string reason, CancellationToken cancellationToken)
    {
        if (await store.TryCompletePeriodAsync(periodId, reason, HistoryChain.Storable(time.UtcNow), cancellationToken)) LogCompleted(logger, periodId, reason);
    }

    [LoggerMessage(LogLevel.Information, "Period {PeriodId}: {Missing} units in scope without a report ({Existing} have one)")]
    private static partial void LogLooked(ILogger logger, string periodId, int missing, int existing);

    [LoggerMessage(LogLevel.Information, "Period {PeriodId} complete ({Reason})")]
    private static partial void LogCompleted(ILogger logger, string periodId, string reason);
}
