using System.Text.Json;
using Azure;
using Baocao.Catalog;
using Baocao.Hosting;

namespace Baocao.Workflow;

/// <summary>
/// A period orchestrates its reports. Opening it fans out one instance per unit in scope, each with its deadline timer
/// and the timers the <see cref="ITimerPolicy"/>s give it (reminders);
/// a unit that joins the scope later gets its instance when it is saved. The last report to finish, or the period's
/// close, fans in: the period is recorded complete once, with a consolidation work item for the reporting side.
/// Closing first marks every report never submitted as missed. Fan-out and close write a timer-index entry ahead, so
/// an interrupted run is finished by the sweep; both only add what is missing, so running them again is harmless.
/// </summary>
public sealed partial class PeriodOrchestrator(
    CatalogStore catalog,
    WorkflowStore store,
    WorkflowEngine engine,
    TimerIndex index,
    OutboxQueue outbox,
    IEnumerable<ITimerPolicy> policies,
    PeopleTime time,
    ILogger<PeriodOrchestrator> logger) : ICatalogObserver
{
    public const string CheckKind = "period-check";
    public const string ConsolidateKind = "consolidate";

    /// <summary>Instances created at once during a fan-out: enough to hide latency, few enough to spare the account.</summary>
    public const int FanOutBatch = 16;

    /// <summary>How long a fan-out or close may run before the sweep assumes it was interrupted and finishes it.</summary>
    public static readonly TimeSpan ResumeAfter = TimeSpan.FromMinutes(5);

    private const string FanOutTask = "fanout";
    private const string CloseTask = "close";

    /// <summary>The work item a finishing report leaves, asking whether its period is now complete.</summary>
    public static WorkItem CheckCompletion(string periodId) => new(CheckKind, JsonSerializer.SerializeToElement(new PeriodWork(periodId), JsonSerializerOptions.Web));

    public async Task PeriodMovedAsync(Period period, CancellationToken cancellationToken)
    {
        if (period.Status == PeriodStatus.Open) await RunAsync(period.Id, FanOutTask, () => FanOutAsync(period, cancellationToken), cancellationToken);
        if (period.Status == PeriodStatus.Closed) await RunAsync(period.Id, CloseTask, () => CloseAsync(period, cancellationToken), cancellationToken);
    }

    /// <summary>Units saved into the scope of an open period get their instances.</summary>
    public async Task UnitsSavedAsync(IReadOnlyList<OrgUnit> units, CancellationToken cancellationToken)
    {
        var open = (await catalog.ListAsync<Period>(CatalogStore.Periods, cancellationToken)).Where(p => p.Status == PeriodStatus.Open);
        foreach (var period in open) await RunAsync(period.Id, FanOutTask, () => FanOutAsync(period, cancellationToken), cancellationToken);
    }

    /// <summary>Finishes a fan-out or close the sweep found unfinished.</summary>
    public async Task ResumeAsync(string periodId, string task, CancellationToken cancellationToken)
    {
        var period = (await catalog.GetAsync<Period>(CatalogStore.Periods, periodId, cancellationToken))?.Value;
        if (period is { Status: PeriodStatus.Open } && task == FanOutTask) await FanOutAsync(period, cancellationToken);
        if (period is { Status: PeriodStatus.Closed } && task == CloseTask) await CloseAsync(period, cancellationToken);
    }

    /// <summary>Creates the instances missing for the units in scope; returns how many it created.</summary>
    public async Task<int> FanOutAsync(Period period, CancellationToken cancellationToken)
    {
        var units = await catalog.ListAsync<OrgUnit>(CatalogStore.Units, cancellationToken);
        var existing = (await store.PeriodInstancesAsync(period.Id, cancellationToken)).Select(i => i.UnitCode).ToHashSet();
        var missing = CatalogService.UnitsInScope(period, units).Where(u => !existing.Contains(u.Code)).ToList();
        foreach (var batch in missing.Chunk(FanOutBatch))
        {
            await Task.WhenAll(batch.Select(u => engine.StartAsync(period.Id, u.Code, cancellationToken,
                [DeadlineTimer.For(period.Deadline), .. policies.SelectMany(p => p.AtStart(period, u.Code))])));
        }
        LogFannedOut(logger, period.Id, missing.Count, existing.Count);
        return missing.Count;
    }

    /// <summary>Marks every report never submitted as missed, then records the period complete.</summary>
    public async Task CloseAsync(Period period, CancellationToken cancellationToken)
    {
        var comment = $"Kỳ báo cáo đã đóng lúc {time.Describe(period.ClosedAt ?? time.UtcNow)} mà đơn vị chưa nộp báo cáo.";
        var owing = (await store.PeriodInstancesAsync(period.Id, cancellationToken))
            .Where(i => WorkflowDefinition.NotSubmitted.Contains(i.State) && !i.Missed).ToList();
        foreach (var batch in owing.Chunk(FanOutBatch))
        {
            await Task.WhenAll(batch.Select(i => engine.FireAsync(i.Id, ReportTrigger.MarkMissed, WorkflowApi.AdminActor, WorkflowChannel.Admin,
                comment, "period-closed", work: null, seenState: null, cancellationToken)));
        }
        await CompleteAsync(period.Id, "closed", cancellationToken);
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

    private async Task CompleteAsync(string periodId, string reason, CancellationToken cancellationToken)
    {
        var at = HistoryChain.Storable(time.UtcNow);
        var consolidate = new WorkItem(ConsolidateKind, JsonSerializer.SerializeToElement(new PeriodWork(periodId, reason), JsonSerializerOptions.Web));
        await outbox.PrepareAsync(periodId, at, cancellationToken);
        if (!await store.TryCompletePeriodAsync(periodId, reason, at, [consolidate], cancellationToken)) return;
        LogCompleted(logger, periodId, reason);
        await outbox.AnnounceAsync(periodId, cancellationToken);
    }

    /// <summary>
    /// Runs a period task behind an index entry written ahead; the entry is removed when the task ends. When the task
    /// fails on storage, the catalogue change still stands and the sweep finishes the task later.
    /// </summary>
    private async Task RunAsync(string periodId, string task, Func<Task> run, CancellationToken cancellationToken)
    {
        var entry = new DueEntry(periodId, task, DueKind.Period, time.UtcNow + ResumeAfter);
        await index.PutAsync(entry, cancellationToken);
        try
        {
            await run();
        }
        catch (RequestFailedException error)
        {
            LogInterrupted(logger, periodId, task, error);
            return;
        }
        await index.DeleteAsync(entry, cancellationToken);
    }

    [LoggerMessage(LogLevel.Information, "Period {PeriodId}: fan-out created {Created} instances ({Existing} existed)")]
    private static partial void LogFannedOut(ILogger logger, string periodId, int created, int existing);

    [LoggerMessage(LogLevel.Information, "Period {PeriodId} complete ({Reason}); consolidation queued")]
    private static partial void LogCompleted(ILogger logger, string periodId, string reason);

    [LoggerMessage(LogLevel.Warning, "Period {PeriodId}: {Task} interrupted; the sweep will finish it")]
    private static partial void LogInterrupted(ILogger logger, string periodId, string task, Exception error);
}

/// <summary>The payload of a period's work items.</summary>
public sealed record PeriodWork(string PeriodId, string? Reason = null);

/// <summary>Receives a finishing report's question: is its period complete now?</summary>
public sealed class PeriodCheckReceiver(PeriodOrchestrator periods) : IWorkReceiver
{
    public string Kind => PeriodOrchestrator.CheckKind;

    public Task DeliverAsync(string partition, OutboxItem item, CancellationToken cancellationToken) =>
        periods.CompleteIfDoneAsync(item.Payload.Deserialize<PeriodWork>(JsonSerializerOptions.Web)!.PeriodId, cancellationToken);
}
