using System.Text.Json;
using Baocao.Catalog;
using Baocao.Hosting;

namespace Baocao.Workflow;

/// <summary>
/// What a period does to its reports, as <see cref="PeriodOrchestration"/>'s activities ask: give each unit in scope
/// its report (with its deadline timer and the timers the <see cref="ITimerPolicy"/>s give it), mark the ones never
/// submitted as missed, and record the period complete once, with a consolidation work item for the reporting side,
/// when the last report finishes or at the close. Every step only adds what is missing, so repeating it is harmless.
/// </summary>
public sealed partial class PeriodActivities(
    CatalogStore catalog,
    WorkflowStore store,
    WorkflowEngine engine,
    OutboxQueue outbox,
    IEnumerable<ITimerPolicy> policies,
    PeopleTime time,
    ILogger<PeriodActivities> logger)
{
    public const string CheckKind = "period-check";
    public const string ConsolidateKind = "consolidate";

    /// <summary>The work item a finishing report leaves, asking whether its period is now complete.</summary>
    public static WorkItem CheckCompletion(string periodId) => new(CheckKind, JsonSerializer.SerializeToElement(new PeriodWork(periodId), JsonSerializerOptions.Web));

    /// <summary>The period's status, and while it is open the units in its scope that have no report yet.</summary>
    public async Task<PeriodLook> LookAsync(string periodId, CancellationToken cancellationToken)
    {
        var period = (await catalog.GetAsync<Period>(CatalogStore.Periods, CatalogText.NormalizeCode(periodId), cancellationToken))?.Value;
        if (period is not { Status: PeriodStatus.Open }) return new PeriodLook(period?.Status, []);
        var units = await catalog.ListAsync<OrgUnit>(CatalogStore.Units, cancellationToken);
        var existing = (await store.PeriodInstancesAsync(period.Id, cancellationToken)).Select(i => i.UnitCode).ToHashSet();
        var missing = CatalogService.UnitsInScope(period, units).Select(u => u.Code).Where(code => !existing.Contains(code)).ToList();
        LogLooked(logger, period.Id, missing.Count, existing.Count);
        return new PeriodLook(period.Status, missing);
    }

    /// <summary>Starts the reports of a batch of units, each with its first timers; a report that exists stays as it is.</summary>
    public async Task StartAsync(PeriodBatch batch, CancellationToken cancellationToken)
    {
        var period = (await catalog.GetAsync<Period>(CatalogStore.Periods, batch.PeriodId, cancellationToken))?.Value
            ?? throw new InvalidOperationException($"Period {batch.PeriodId} is gone.");
        await Task.WhenAll(batch.Items.Select(unit => engine.StartAsync(period.Id, unit, cancellationToken,
            [DeadlineTimer.For(period.Deadline), .. policies.SelectMany(p => p.AtStart(period, unit))], WorkflowDefinition.Positions(period.Stages.Count))));
    }

    /// <summary>The reports of the period never submitted and not yet marked missed.</summary>
    public async Task<IReadOnlyList<string>> OwingAsync(string periodId, CancellationToken cancellationToken) =>
        (await store.PeriodInstancesAsync(periodId, cancellationToken))
            .Where(i => WorkflowDefinition.NotSubmitted.Contains(i.State) && !i.Missed).Select(i => i.Id).ToList();

    /// <summary>Marks a batch of reports missed, naming the close in their history; a report submitted meanwhile is left alone.</summary>
    public async Task MarkMissedAsync(PeriodBatch batch, CancellationToken cancellationToken)
    {
        var period = (await catalog.GetAsync<Period>(CatalogStore.Periods, batch.PeriodId, cancellationToken))?.Value;
        var comment = $"Kỳ báo cáo đã đóng lúc {time.Describe(period?.ClosedAt ?? time.UtcNow)} mà đơn vị chưa nộp báo cáo.";
        await Task.WhenAll(batch.Items.Select(id => engine.FireAsync(id, ReportTrigger.MarkMissed, WorkflowApi.AdminActor, WorkflowChannel.Admin,
            comment, "period-closed", work: null, seenState: null, cancellationToken)));
    }

    /// <summary>Records the period complete when every report in it is finished (approved or exempted).</summary>
    public async Task CompleteIfDoneAsync(string periodId, CancellationToken cancellationToken)
    {
        var instances = await store.PeriodInstancesAsync(periodId, cancellationToken);
        if (instances.Count > 0 && instances.All(i => WorkflowDefinition.Finished.Contains(i.State)))
        {
            await CompleteAsync(periodId, "all-finished", cancellationToken);
        }
    }

    /// <summary>Records the period complete, once: a period complete already keeps its first record.</summary>
    public async Task CompleteAsync(string periodId, string reason, CancellationToken cancellationToken)
    {
        var at = HistoryChain.Storable(time.UtcNow);
        var consolidate = new WorkItem(ConsolidateKind, JsonSerializer.SerializeToElement(new PeriodWork(periodId, reason), JsonSerializerOptions.Web));
        await outbox.PrepareAsync(periodId, at, cancellationToken);
        if (!await store.TryCompletePeriodAsync(periodId, reason, at, [consolidate], cancellationToken)) return;
        LogCompleted(logger, periodId, reason);
        await outbox.AnnounceAsync(periodId, cancellationToken);
    }

    [LoggerMessage(LogLevel.Information, "Period {PeriodId}: {Missing} units in scope without a report ({Existing} have one)")]
    private static partial void LogLooked(ILogger logger, string periodId, int missing, int existing);

    [LoggerMessage(LogLevel.Information, "Period {PeriodId} complete ({Reason}); consolidation queued")]
    private static partial void LogCompleted(ILogger logger, string periodId, string reason);
}

/// <summary>The payload of a period's work items.</summary>
public sealed record PeriodWork(string PeriodId, string? Reason = null);

/// <summary>Receives a finishing report's question: is its period complete now?</summary>
public sealed class PeriodCheckReceiver(PeriodActivities periods) : IWorkReceiver
{
    public string Kind => PeriodActivities.CheckKind;

    public Task DeliverAsync(string partition, OutboxItem item, CancellationToken cancellationToken) =>
        periods.CompleteIfDoneAsync(item.Payload.Deserialize<PeriodWork>(JsonSerializerOptions.Web)!.PeriodId, cancellationToken);
}
