using Azure.Storage.Blobs;
using Baocao.Catalog;
using Baocao.Hosting;
using Baocao.Storage;
using Baocao.Workflow;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Baocao.Submissions;

/// <summary>What a submission produced: its receipt, and whether it repeats an earlier request with the same key.</summary>
public sealed record SubmissionOutcome(SubmissionReceipt Receipt, bool Replayed);

/// <summary>
/// A unit's submission from request to version: the period and template it answers, the multipart body read as a
/// stream, the figures checked, the files committed, and the workflow's Submit, which alone decides whether the unit
/// may submit now and commits the version with its history event and idempotency key in one transaction.
/// </summary>
/// <remarks>
/// The report on its way: <see cref="ReportDraft"/> as sent, <see cref="ValidatedReport"/> once its template passed it,
/// <see cref="VersionContent"/> with its attachments, <see cref="NewVersion"/> as JSON with its receipt, and
/// <see cref="ReportVersion"/> once the Submit numbered it.
/// </remarks>
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
        string periodId, string unitCode, HttpRequest request, string? idempotencyKey, DurableTaskClient workflow, CancellationToken cancellationToken)
    {
        if (idempotencyKey is not null && !IsValidKey(idempotencyKey))
        {
            return Problems.Malformed(new FieldError("Idempotency-Key", "invalid-idempotency-key",
                $"Idempotency-Key phải gồm 1–{MaxIdempotencyKeyLength} ký tự ASCII in được (ví dụ một UUID)."));
        }
        var reporting = await ReportingAsync(periodId, unitCode, cancellationToken);
        if (reporting.Problem is { } notFound) return notFound;
        var target = new SubmissionTarget(reporting.Value.Period, reporting.Value.Template, unitCode, idempotencyKey);

        var early = await AskEarlyAsync(target, cancellationToken);
        // A request with an Idempotency-Key may be the retry of one that was accepted: its body decides, so read on.
        if (!early.Preview.Verdict.Allowed && idempotencyKey is null)
        {
            return Refusal(new FireResult.Refused(early.Preview.Verdict.RefusalCode!, early.Preview.Verdict.Refusal!));
        }
        var read = await ReadAsync(target, request, cancellationToken);
        if (read.Problem is { } unreadable) return unreadable;
        var staged = await StageAsync(target, read.Value.Submission, read.Value.Validated, cancellationToken);
        if (staged.Problem is { } unacceptable) return unacceptable;

        var (result, version) = await CommitAsync(target, early, staged.Value!, workflow, cancellationToken);
        metrics.Submission(accepted: result is FireResult.Applied);
        return await AnswerAsync(target, staged.Value!, version, result, cancellationToken);
    }

    /// <summary>The report a request submits to: its period and template, the unit, and the key that makes a retry safe.</summary>
    private sealed record SubmissionTarget(Period Period, ReportTemplate Template, string UnitCode, string? IdempotencyKey)
    {
        public string InstanceId { get; } = WorkflowEngine.InstanceId(Period.Id, UnitCode);
    }

    /// <summary>What the workflow says before the body is read: the window the unit submits in, its deadline, and the row it read.</summary>
    private sealed record EarlyAnswer(SubmissionWindow Window, DateTimeOffset Deadline, Preview Preview);

    /// <summary>A report ready to commit: what its version will say, that as the JSON the version keeps, and the files this request staged.</summary>
    private sealed record StagedReport(VersionContent Content, string Body, IReadOnlyList<StagedAttachment> Files);

    /// <summary>
    /// Asks the workflow before reading a body that may be hundreds of megabytes; it is asked again when committing.
    /// A report whose instance the period's fan-out has not made yet has not been started.
    /// </summary>
    private async Task<EarlyAnswer> AskEarlyAsync(SubmissionTarget target, CancellationToken cancellationToken)
    {
        var period = target.Period;
        var window = Window(period, period.Deadline);
        var early = await PreviewAsync(target, window, cancellationToken);
        // A unit granted an extension is held to its own deadline, for lateness and for a hard close alike.
        var deadline = early.Read?.Instance.DeadlineOr(period.Deadline) ?? period.Deadline;
        if (deadline != period.Deadline && Window(period, deadline) is var own && own != window)
        {
            window = own;
            early = await PreviewAsync(target, window, cancellationToken);
        }
        return new EarlyAnswer(window, deadline, early);
    }

    private Task<Preview> PreviewAsync(SubmissionTarget target, SubmissionWindow window, CancellationToken cancellationToken) =>
        engine.PreviewAsync(target.InstanceId, new Proposal(ReportTrigger.Submit, WorkflowChannel.Api, null, null, window), target.IdempotencyKey, cancellationToken);

    /// <summary>The multipart body read, its files staged as they stream by, and its figures checked against the period's template.</summary>
    private async Task<Outcome<(ReadSubmission Submission, ValidatedReport Validated)>> ReadAsync(SubmissionTarget target, HttpRequest request, CancellationToken cancellationToken)
    {
        request.HttpContext.AllowBodyOf(limits.Value.MaxSubmissionBytes + SubmissionReader.MaxReportBytes);
        var read = await reader.ReadAsync(request, $"{target.Period.Id}/{target.UnitCode}", cancellationToken);
        if (read.Problem is { } unreadable) return unreadable;
        var (validated, errors) = ReportValidator.Validate(read.Value!.Report, target.Template);
        if (errors.Any) return Problems.Validation(errors.Items.Select(e => e with { Pointer = "/" + SubmissionReader.ReportPart + e.Pointer }).ToList());
        return (read.Value, validated!);
    }

    /// <summary>The files this request streamed joined by the resumable uploads it names, within the submission's limits.</summary>
    private async Task<Outcome<StagedReport>> StageAsync(SubmissionTarget target, ReadSubmission read, ValidatedReport validated, CancellationToken cancellationToken)
    {
        var uploaded = await uploads.AttachAsync(target.Period.Id, target.UnitCode, read.Report.Uploads ?? [], cancellationToken);
        if (uploaded.Problem is { } notReady) return notReady;
        var content = VersionContent.From(validated, [.. read.Attachments.Select(f => f.Attachment), .. uploaded.Value!]);
        if (content.Attachments.Sum(a => a.Size) > limits.Value.MaxSubmissionBytes)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "submission-too-large", "Quá lớn",
                $"Tổng dung lượng tệp đính kèm vượt quá {limits.Value.MaxSubmissionBytes / (1024 * 1024)} MiB.");
        }
        var body = content.ToJson();
        if (System.Text.Encoding.UTF8.GetByteCount(body) > WorkflowStore.MaxBodyBytes)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "report-too-large", "Quá lớn", "Nội dung báo cáo (số liệu, thuyết minh và danh sách tệp) quá lớn để lưu thành một phiên bản.");
        }
        return new StagedReport(content, body, read.Attachments);
    }

    /// <summary>Commits the files, then the workflow's Submit with the version, its mail and its idempotency key.</summary>
    private async Task<(FireResult Result, NewVersion Version)> CommitAsync(SubmissionTarget target, EarlyAnswer early, StagedReport staged, DurableTaskClient workflow,
        CancellationToken cancellationToken)
    {
        // Files become visible before the version that names them, so no version can ever lack its files.
        foreach (var file in staged.Files) await attachments.CommitAsync(file, cancellationToken);
        var (period, unitCode) = (target.Period, target.UnitCode);
        var receipt = staged.Content.Receipt(period.Id, unitCode);
        var operation = target.IdempotencyKey is { } key ? new OperationKey(key, receipt, idempotency.Value.IdempotencyKeyLifetime) : null;
        var version = new NewVersion(staged.Body, receipt, Late: time.UtcNow > early.Deadline);
        var submit = new Firing(ReportTrigger.Submit, unitCode, WorkflowChannel.Api) { Window = early.Window, Operation = operation };
        // The first stage's people get their mail in the Submit's own transaction: no accepted report goes unannounced.
        var work = await firstStageMail.ForAsync(new NewSubmission(period, target.Template, unitCode, staged.Content, version, early.Preview.Read?.Instance), cancellationToken);
        var result = await engine.SubmitAsync(target.InstanceId, submit, version, work, early.Preview.Read, workflow, cancellationToken);
        if (result is FireResult.NotFound)
        {
            // The period's fan-out has not reached this unit yet; a good submission starts its instance.
            await engine.StartAsync(period.Id, unitCode, cancellationToken);
            result = await engine.SubmitAsync(target.InstanceId, submit, version, work, seen: null, workflow, cancellationToken);
        }
        return (result, version);
    }

    /// <summary>The receipt of the version made, or of the one an earlier request with the same key made; otherwise why not.</summary>
    private async Task<Outcome<SubmissionOutcome>> AnswerAsync(SubmissionTarget target, StagedReport staged, NewVersion version, FireResult result,
        CancellationToken cancellationToken)
    {
        var (period, unitCode) = (target.Period, target.UnitCode);
        if (result is FireResult.Applied applied)
        {
            LogAccepted(logger, target.InstanceId, applied.Instance.Version, version.Late, staged.Content.Attachments.Count);
            var stored = version.Numbered(applied.Instance.Version, applied.Event.At);
            return new SubmissionOutcome(SubmissionReceipt.From(period.Id, unitCode, stored, time), Replayed: false);
        }
        // Nothing was written for this request: its files must not outlive it.
        foreach (var file in staged.Files) await DeleteAsync(file.Attachment, cancellationToken);
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
        var files = stored is null ? [] : VersionContent.Read(stored).Attachments;
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
        var report = VersionContent.Read(version);
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
