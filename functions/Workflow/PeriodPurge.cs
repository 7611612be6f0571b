using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Baocao.Catalog;
using Baocao.Hosting;
using Baocao.Storage;
using Microsoft.DurableTask.Client;

namespace Baocao.Workflow;

/// <summary>What one purge of a closed period removed, who asked, and on what ground: an export kept, or an explicit confirmation.</summary>
public sealed record PurgeRecord(
    string PeriodId, string Actor, DateTimeOffset At, int Instances, int Rows, int Timers, int Blobs, string? Export, bool Confirmed);

/// <summary>Why a period may not be purged (yet); nothing was removed.</summary>
public sealed record PurgeRefusal(int Status, string Code, string Detail);

/// <summary>
/// Purges a closed period, as Durable Functions purges instance history: its orchestration and its reports' in the
/// task hub, the reports' instances, history, versions, outbox and timers, and their attachment blobs (<c>attachments/{periodId}/…</c>). The consolidated
/// figures must have been exported first (a blob under <c>exports/{periodId}/</c>), unless the admin confirms the loss
/// explicitly. History goes with the instances, so the purge itself is logged and recorded in the period's partition.
/// Every step only removes what is still there, so a purge interrupted midway is finished by asking again.
/// </summary>
public sealed partial class PeriodPurge(
    CatalogService catalog,
    WorkflowStore store,
    BlobServiceClient blobs,
    PeopleTime time,
    ILogger<PeriodPurge> logger)
{
    public async Task<(PurgeRecord? Record, PurgeRefusal? Refusal)> PurgeAsync(
        string periodId, bool confirmed, string actor, DurableTaskClient workflow, CancellationToken cancellationToken)
    {
        var period = await catalog.GetPeriodAsync(periodId, cancellationToken);
        if (period is null) return (null, new PurgeRefusal(StatusCodes.Status404NotFound, "not-found", $"Không có kỳ báo cáo '{periodId}'."));
        if (period.Status != PeriodStatus.Closed)
        {
            return (null, new PurgeRefusal(StatusCodes.Status409Conflict, "period-not-closed",
                $"Kỳ '{period.Id}' đang ở trạng thái {CatalogService.Vietnamese(period.Status)}; chỉ xoá được dữ liệu của kỳ đã đóng."));
        }
        var orchestration = await workflow.GetInstanceAsync(PeriodOrchestration.InstanceId(period.Id), cancellationToken);
        if (orchestration is { IsCompleted: false })
        {
            return (null, new PurgeRefusal(StatusCodes.Status409Conflict, "period-closing",
                $"Kỳ '{period.Id}' vừa đóng và đang đánh dấu các báo cáo chưa nộp; hãy thử xoá lại sau ít phút."));
        }
        var export = await FirstExportAsync(period.Id, cancellationToken);
        if (export is null && !confirmed)
        {
            return (null, new PurgeRefusal(StatusCodes.Status409Conflict, "export-missing",
                $"Kỳ '{period.Id}' chưa có bản kết xuất số liệu tổng hợp. Hãy kết xuất trước, hoặc xác nhận xoá không cần bản kết xuất (confirm=true)."));
        }

        LogPurging(logger, period.Id, actor, export, confirmed);
        if (orchestration is not null) await workflow.PurgeInstanceAsync(orchestration.InstanceId, cancellationToken);
        await PurgeReportOrchestrationsAsync(period.Id, workflow, cancellationToken);
        var rows = await store.PurgeInstancesAsync(period.Id, cancellationToken);
        var removed = await DeleteAttachmentsAsync(period.Id, cancellationToken);
        var record = new PurgeRecord(period.Id, actor, HistoryChain.Storable(time.UtcNow), rows.Instances, rows.Rows, rows.Timers.Count, removed, export, confirmed);
        await store.AddPurgeRecordAsync(record, cancellationToken);
        LogPurged(logger, period.Id, rows.Instances, rows.Rows, rows.Timers.Count, removed);
        return (record, null);
    }

    /// <summary>
    /// Stops the period's report orchestrations still waiting (for a review, a reopened report's timers) and purges them
    /// all from the task hub; one ended meanwhile is purged all the same.
    /// </summary>
    private static async Task PurgeReportOrchestrationsAsync(string periodId, DurableTaskClient workflow, CancellationToken cancellationToken)
    {
        var query = new OrchestrationQuery { InstanceIdPrefix = periodId + "~" };
        await foreach (var report in workflow.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            if (!report.IsCompleted)
            {
                await workflow.TerminateInstanceAsync(report.InstanceId, "Kỳ báo cáo bị xoá.", cancellationToken);
                await workflow.WaitForInstanceCompletionAsync(report.InstanceId, cancellationToken);
            }
            await workflow.PurgeInstanceAsync(report.InstanceId, cancellationToken);
        }
    }

    private async Task<string?> FirstExportAsync(string periodId, CancellationToken cancellationToken)
    {
        await foreach (var blob in blobs.GetBlobContainerClient(StorageNames.ExportsContainer).GetBlobsAsync(BlobTraits.None, BlobStates.None, periodId + "/", cancellationToken))
        {
            return blob.Name;
        }
        return null;
    }

    private async Task<int> DeleteAttachmentsAsync(string periodId, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(StorageNames.AttachmentsContainer);
        var removed = 0;
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, periodId + "/", cancellationToken))
        {
            if (await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken)) removed++;
        }
        return removed;
    }

    [LoggerMessage(LogLevel.Warning, "Period {PeriodId}: purge asked by {Actor} (export {Export}, confirmed {Confirmed})")]
    private static partial void LogPurging(ILogger logger, string periodId, string actor, string? export, bool confirmed);

    [LoggerMessage(LogLevel.Warning, "Period {PeriodId} purged: {Instances} instances, {Rows} rows, {Timers} timers, {Blobs} attachment blobs")]
    private static partial void LogPurged(ILogger logger, string periodId, int instances, int rows, int timers, int blobs);
}
