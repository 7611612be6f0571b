using Azure.Storage.Blobs;
using Baocao.Catalog;
using Baocao.Hosting;
using Baocao.Storage;
using Baocao.Workflow;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Baocao.Submissions;

/// <summary>What a submission produced: its receipt, and whether it repeats an earlier request with the same key.</summary>
public sealed record SubmissionOutcome(SubmissionReceipt Receipt, bool Replayed);

/// <summary>
/// A unit's submission from request to version: the period and template it answers, the multipart body read as a
/// stream, the figures checked, the files committed, and the workflow's Submit, which alone decides whether the unit
/// may submit now and commits the version with its history event and idempotency key in one transaction.
/// </summary>
public sealed partial class SubmissionService(
    CatalogService catalog,
    WorkflowEngine engine,
    SubmissionReader reader,
    AttachmentStore attachments,
    ResumableUploads uploads,
    BlobServiceClient blobs,
    ISubmissionMail firstStageMail,
    PeopleTime time,
    IOptions<AttachmentLimits> limits,
    IOptions<IdempotencyOptions> idempotency,
    BaocaoMetrics metrics,
    ILogger<SubmissionService> logger)
{
    public const int MaxIdempotencyKeyLength = 255;

    public async Task<Outcome<SubmissionOutcome>> SubmitAsync(
        string periodId, string unitCode, HttpRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (idempotencyKey is not null && !IsValidKey(idempotencyKey))
        {
            return Problems.Malformed(new FieldError("Idempotency-Key", "invalid-idempotency-key",
                $"Idempotency-Key phải gồm 1–{MaxIdempotencyKeyLength} ký tự ASCII in được (ví dụ một UUID)."));
        }
        var reporting = await ReportingAsync(periodId, unitCode, cancellationToken);
        if (reporting.Problem is { } notFound) return notFound;
        var (period, template) = reporting.Value!;
        var instanceId = WorkflowEngine.InstanceId(period.Id, unitCode);
        var window = Window(period, period.Deadline);

        // Ask the workflow before reading a body that may be hundreds of megabytes; it is asked again when committing.
        // A request with an Idempotency-Key may be the retry of one that was accepted: its body decides, so read on.
        // A report whose instance the period's fan-out has not made yet has not been started.
        var early = await engine.PreviewAsync(instanceId, new Proposal(ReportTrigger.Submit, WorkflowChannel.Api, null, null, window), idempotencyKey, cancellationToken);
        // A unit granted an extension is held to its own deadline, for lateness and for a hard close alike.
        var deadline = early.Read?.Instance.DeadlineOr(period.Deadline) ?? period.Deadline;
        if (deadline != period.Deadline && Window(period, deadline) is var own && own != window)
        {
            window = own;
            early = await engine.PreviewAsync(instanceId, new Proposal(ReportTrigger.Submit, WorkflowChannel.Api, null, null, window), idempotencyKey, cancellationToken);
        }
        if (!early.Verdict.Allowed && idempotencyKey is null) return Refusal(new FireResult.Refused(early.Verdict.RefusalCode!, early.Verdict.Refusal!));

        request.HttpContext.AllowBodyOf(limits.Value.MaxSubmissionBytes + SubmissionReader.MaxReportBytes);
        var read = await reader.ReadAsync(request, $"{period.Id}/{unitCode}", cancellationToken);
        if (read.Problem is { } unreadable) return unreadable;
        var (content, errors) = ReportValidator.Validate(read.Value!.Report, template);
        if (errors.Any) return Problems.Validation(errors.Items.Select(e => e with { Pointer = "/" + SubmissionReader.ReportPart + e.Pointer }).ToList());

        var files = read.Value.Attachments;
        var uploaded = await uploads.AttachAsync(period.Id, unitCode, read.Value.Report.Uploads ?? [], cancellationToken);
        if (uploaded.Problem is { } notReady) return notReady;
        var report = SubmittedReport.From(content!, [.. files.Select(f => f.Attachment), .. uploaded.Value!]);
        if (report.Attachments.Sum(a => a.Size) > limits.Value.MaxSubmissionBytes)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "submission-too-large", "Quá lớn",
                $"Tổng dung lượng tệp đính kèm vượt quá {limits.Value.MaxSubmissionBytes / (1024 * 1024)} MiB.");
        }
        var body = report.ToJson();
        if (System.Text.Encoding.UTF8.GetByteCount(body) > WorkflowStore.MaxBodyBytes)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "report-too-large", "Quá lớn", "Nội dung báo cáo (số liệu, thuyết minh và danh sách tệp) quá lớn để lưu thành một phiên bản.");
        }
        // Files become visible before the version that names them, so no version can ever lack its files.
        foreach (var staged in files) await attachments.CommitAsync(staged, cancellationToken);
        var receipt = report.Receipt(period.Id, unitCode);
        var late = time.UtcNow > deadline;
        var operation = idempotencyKey is null ? null : new OperationKey(idempotencyKey, receipt, idempotency.Value.IdempotencyKeyLifetime);

        var version = new VersionDraft(body, receipt, late);
        var submit = new Firing(ReportTrigger.Submit, unitCode, WorkflowChannel.Api) { Window = window, Operation = operation };
        // The first stage's people get their mail in the Submit's own transaction: no accepted report goes unannounced.
        var work = await firstStageMail.ForAsync(new NewSubmission(period, template, unitCode, report, version, early.Read?.Instance), cancellationToken);
        var result = await engine.SubmitAsync(instanceId, submit, version, work, early.Read, cancellationToken);
        if (result is FireResult.NotFound)
        {
            // The period's fan-out has not reached this unit yet; a good submission starts its instance.
            await engine.StartAsync(period.Id, unitCode, cancellationToken);
            result = await engine.SubmitAsync(instanceId, submit, version, work, seen: null, cancellationToken);
        }
        metrics.Submission(accepted: result is FireResult.Applied);
        if (result is FireResult.Applied applied)
        {
            LogAccepted(logger, instanceId, applied.Instance.Version, late, report.Attachments.Count);
            var stored = new ReportVersion(applied.Instance.Version, applied.Event.At, late, receipt, body);
            return new SubmissionOutcome(SubmissionReceipt.From(period.Id, unitCode, stored, time), Replayed: false);
        }
        // Nothing was written for this request: its files must not outlive it.
        foreach (var file in files) await DeleteAsync(file.Attachment, cancellationToken);
        return result switch
        {
            FireResult.Repeated { SameRequest: true } repeated => new SubmissionOutcome(await ReceiptAsync(period, unitCode, repeated.Version, cancellationToken), Replayed: true),
            FireResult.Repeated => Problems.Create(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused", "Idempotency-Key đã dùng cho bài nộp khác",
                "Khoá Idempotency-Key này đã được dùng cho một bài nộp có nội dung khác; mỗi bài nộp mới cần một khoá mới."),
            FireResult.Refused refusal => Refusal(refusal),
            _ => Problems.NotFound($"Không có báo cáo của đơn vị cho kỳ '{period.Id}'."),
        };
    }

    /// <summary>The period and its pinned template, if the unit reports on that period; otherwise 404, saying no more.</summary>
    public async Task<Outcome<(Period Period, ReportTemplate Template)>> ReportingAsync(string periodId, string unitCode, CancellationToken cancellationToken)
    {
        var period = await catalog.GetPeriodAsync(periodId, cancellationToken);
        if (period is null || period.Status == PeriodStatus.Planned || !CatalogService.InScope(period, unitCode, await catalog.GetUnitsAsync(cancellationToken)))
        {
            return Problems.NotFound($"Không có kỳ báo cáo '{periodId}' cho đơn vị này.");
        }
        var template = await catalog.GetTemplateAsync(period.TemplateCode, period.TemplateVersion, cancellationToken);
        return template is null ? Problems.NotFound($"Không có mẫu báo cáo của kỳ '{periodId}'.") : (period, template);
    }

    public async Task<SubmissionReceipt> ReceiptAsync(Period period, string unitCode, int number, CancellationToken cancellationToken)
    {
        var instanceId = WorkflowEngine.InstanceId(period.Id, unitCode);
        var version = await engine.GetVersionAsync(instanceId, number, cancellationToken)
            ?? throw new InvalidOperationException($"Version {number} of {instanceId} is missing.");
        return SubmissionReceipt.From(period.Id, unitCode, version, time);
    }

    /// <summary>The report as its unit and the province read it; a report nobody started yet reads as not submitted.</summary>
    public async Task<ReportView> ViewAsync(Period period, string unitCode, CancellationToken cancellationToken)
    {
        var instanceId = WorkflowEngine.InstanceId(period.Id, unitCode);
        var view = await engine.GetAsync(instanceId, cancellationToken);
        var versions = view is null ? [] : await engine.VersionsAsync(instanceId, cancellationToken);
        var history = (view?.History ?? []).Select(e => new HistoryEntry(e.Sequence, e.Trigger, e.Actor, e.Channel, time.ToLocal(e.At), e.Version,
            e.From, e.To, e.Comment, e.ReasonCode)).ToList();
        var state = view?.Instance.State ?? ReportState.NotStarted;
        return new ReportView(period.Id, period.Name, unitCode, view?.Instance.DeadlineOr(period.Deadline) ?? period.Deadline, state, WorkflowDefinition.Name(state),
            view?.Instance.Late ?? false, view?.Instance.Overdue ?? false,
            versions.Select(v => VersionView(period.Id, unitCode, v)).ToList(),
            history,
            history.Where(e => e.Comment is not null && e.Event != ReportTrigger.Submit).ToList());
    }

    /// <summary>One attachment of one version, or null: the number is 1-based as in the version's list.</summary>
    public async Task<StoredAttachment?> AttachmentAsync(string periodId, string unitCode, int version, int number, CancellationToken cancellationToken)
    {
        var stored = await engine.GetVersionAsync(WorkflowEngine.InstanceId(periodId, unitCode), version, cancellationToken);
        var files = stored is null ? [] : SubmittedReport.Read(stored).Attachments;
        return number >= 1 && number <= files.Count ? files[number - 1] : null;
    }

    /// <summary>
    /// An attachment as every route serves it: always a download (Content-Disposition: attachment, with its Vietnamese
    /// name), as the type it was checked to be, never a page of the app's own origin.
    /// </summary>
    public async Task<FileStreamHttpResult> DownloadAsync(StoredAttachment attachment, CancellationToken cancellationToken) =>
        TypedResults.File(await blobs.GetBlobContainerClient(StorageNames.AttachmentsContainer).GetBlobClient(attachment.BlobName)
            .OpenReadAsync(new Azure.Storage.Blobs.Models.BlobOpenReadOptions(allowModifications: false), cancellationToken),
            attachment.ContentType, attachment.FileName);

    private VersionView VersionView(string periodId, string unitCode, ReportVersion version)
    {
        var report = SubmittedReport.Read(version);
        return new VersionView(version.Number, time.ToLocal(version.ReceivedAt), version.Late, version.Receipt, report.Values, report.Narratives, report.Note,
            SubmissionReceipt.Links(periodId, unitCode, version.Number, report.Attachments));
    }

    private SubmissionWindow Window(Period period, DateTimeOffset deadline) =>
        period.Status == PeriodStatus.Closed ? SubmissionWindow.PeriodClosed
        : period.HardClose && time.UtcNow > deadline ? SubmissionWindow.PastHardDeadline
        : SubmissionWindow.Open;

    private async Task DeleteAsync(StoredAttachment file, CancellationToken cancellationToken) =>
        await blobs.GetBlobContainerClient(StorageNames.AttachmentsContainer).DeleteBlobIfExistsAsync(file.BlobName, cancellationToken: cancellationToken);

    private static ProblemHttpResult Refusal(FireResult.Refused refused) =>
        Problems.Create(StatusCodes.Status409Conflict, refused.Code, "Không nhận bài nộp", refused.Reason,
            refused.DecidedBy is null ? null : new Dictionary<string, object?> { ["decidedBy"] = refused.DecidedBy });

    private static bool IsValidKey(string key) =>
        key.Length is > 0 and <= MaxIdempotencyKeyLength && key.All(c => c is > ' ' and < (char)0x7F);

    [LoggerMessage(LogLevel.Information, "Workflow {InstanceId}: version {Version} accepted (late: {Late}, {Attachments} attachments)")]
    private static partial void LogAccepted(ILogger logger, string instanceId, int version, bool late, int attachments);
}
