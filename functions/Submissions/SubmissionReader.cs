using Baocao.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Baocao.Submissions;

/// <summary>A submission as read off the wire: the report part, and its files staged but not yet visible.</summary>
public sealed record ReadSubmission(ReportDraft Report, IReadOnlyList<StagedAttachment> Attachments);

/// <summary>
/// Reads a multipart/form-data submission as a stream, part by part: exactly one <c>report</c> part (JSON) and any
/// number of <c>attachments</c> file parts, each streamed into staged blocks. Nothing is buffered whole, and a request
/// that is refused or breaks off half way leaves no visible blob behind.
/// </summary>
public sealed class SubmissionReader(AttachmentStore store, IOptions<AttachmentLimits> limits)
{
    public const string ReportPart = "report";
    public const string AttachmentsPart = "attachments";
    public const int MaxParts = 100;
    /// <summary>The report part's budget: it is kept whole in the version's row, which Table Storage caps at 1 MiB.</summary>
    public const int MaxReportBytes = 512 * 1024;

    public async Task<Outcome<ReadSubmission>> ReadAsync(HttpRequest request, string blobPrefix, CancellationToken cancellationToken)
    {
        var opened = Open(request);
        if (opened.Problem is { } refused) return refused;
        try
        {
            return await ReadPartsAsync(opened.Value!, blobPrefix, cancellationToken);
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The server's body limit is a BadHttpRequestException, itself an IOException: too large, not broken off.
            return Refuse(StatusCodes.Status413PayloadTooLarge, "submission-too-large",
                $"Bài nộp vượt quá {limits.Value.MaxSubmissionBytes / (1024 * 1024)} MiB tệp đính kèm; tệp lớn hãy tải lên theo từng phần (tus).");
        }
        catch (Exception error) when (error is IOException or InvalidDataException)
        {
            return Refuse(StatusCodes.Status400BadRequest, "truncated-multipart", "Nội dung multipart bị cắt ngang hoặc sai định dạng; hãy gửi lại.");
        }
    }

    /// <summary>A reader of the request's parts, once its headers say it is multipart/form-data with a boundary and a length.</summary>
    private static Outcome<MultipartReader> Open(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.UnsupportedMediaType("Bài nộp phải là multipart/form-data với phần 'report' (JSON) và các phần 'attachments' (tệp).");
        }
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrWhiteSpace(boundary) || boundary.Length > 70)
        {
            return Refuse(StatusCodes.Status400BadRequest, "missing-boundary", "Thiếu hoặc sai tham số boundary trong Content-Type.");
        }
        // Under the Functions host a chunked body is forwarded empty; refuse it rather than store nothing.
        if (request.ContentLength is null)
        {
            return Refuse(StatusCodes.Status411LengthRequired, "length-required", "Cần Content-Length; tệp lớn hãy tải lên theo từng phần (tus).");
        }
        return new MultipartReader(boundary, request.Body) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 };
    }

    private async Task<Outcome<ReadSubmission>> ReadPartsAsync(MultipartReader reader, string blobPrefix, CancellationToken cancellationToken)
    {
        ReportDraft? report = null;
        var staged = new List<StagedAttachment>();
        var budget = limits.Value.MaxSubmissionBytes;
        for (var parts = 1; await reader.ReadNextSectionAsync(cancellationToken) is { } section; parts++)
        {
            if (parts > MaxParts) return Refuse(StatusCodes.Status413PayloadTooLarge, "too-many-parts", $"Bài nộp có quá {MaxParts} phần.");
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
            {
                return Refuse(StatusCodes.Status400BadRequest, "invalid-part", $"Phần thứ {parts} thiếu Content-Disposition: form-data.");
            }
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
            switch (name)
            {
                case ReportPart when report is not null:
                    return Refuse(StatusCodes.Status400BadRequest, "duplicate-part", "Chỉ được có một phần 'report'.");
                case ReportPart:
                    var parsed = await ReadReportAsync(section, cancellationToken);
                    if (parsed.Problem is { } problem) return problem;
                    report = parsed.Value;
                    break;
                case AttachmentsPart:
                    var file = await StageFileAsync(section, disposition, blobPrefix, budget, cancellationToken);
                    if (file.Problem is { } refusal) return refusal;
                    staged.Add(file.Value!);
                    budget -= file.Value!.Attachment.Size;
                    break;
                default:
                    return Refuse(StatusCodes.Status400BadRequest, "unknown-part", $"Phần '{name}' không được hỗ trợ; chỉ có 'report' và 'attachments'.");
            }
        }
        if (report is null) return Refuse(StatusCodes.Status400BadRequest, "missing-report", "Thiếu phần 'report' (JSON).");
        return new ReadSubmission(report, staged);
    }

    /// <summary>Streams one file part into staged blocks, held to the per-file limit and to what the submission has left.</summary>
    private async Task<Outcome<StagedAttachment>> StageFileAsync(
        MultipartSection section, ContentDispositionHeaderValue disposition, string blobPrefix, long budget, CancellationToken cancellationToken)
    {
        var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
        var maxBytes = Math.Min(limits.Value.MaxFileBytes, budget);
        var (file, refusal) = await store.StageAsync(section.Body, fileName, blobPrefix, maxBytes, cancellationToken);
        return refusal is null ? file! : Refuse(refusal.Status, refusal.Code, refusal.Detail);
    }

    private static async Task<Outcome<ReportDraft>> ReadReportAsync(MultipartSection section, CancellationToken cancellationToken)
    {
        if (section.ContentType is { } type && !JsonBody.IsJson(type) && !type.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.UnsupportedMediaType("Phần 'report' phải là JSON (application/json).");
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await section.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxReportBytes) return Refuse(StatusCodes.Status413PayloadTooLarge, "report-too-large", $"Phần 'report' vượt quá {MaxReportBytes / 1024} KiB.");
            buffer.Write(chunk, 0, read);
        }
        var parsed = JsonBody.Parse<ReportDraft>(buffer.ToArray());
        return parsed.Problem is { } problem ? Prefix(problem) : parsed;
    }

    /// <summary>Pointers inside the report part are given from the part's name, so '/values/X' reads '/report/values/X'.</summary>
    private static ProblemHttpResult Prefix(ProblemHttpResult problem)
    {
        if (problem.ProblemDetails.Extensions.TryGetValue("errors", out var value) && value is IEnumerable<FieldError> errors)
        {
            problem.ProblemDetails.Extensions["errors"] = errors.Select(e => e with { Pointer = "/" + ReportPart + e.Pointer }).ToArray();
        }
        return problem;
    }

    private static ProblemHttpResult Refuse(int status, string code, string detail) =>
        Problems.Create(status, code, status switch
        {
            StatusCodes.Status413PayloadTooLarge => "Quá lớn",
            StatusCodes.Status411LengthRequired => "Cần độ dài nội dung",
            StatusCodes.Status415UnsupportedMediaType => "Định dạng không được hỗ trợ",
            _ => "Yêu cầu không đọc được",
        }, detail);
}
