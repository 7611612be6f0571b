using System.Globalization;
using Baocao.Access;
using Baocao.Catalog;
using Baocao.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Baocao.Submissions;

/// <summary>
/// The tus endpoints (<see cref="TusProtocol"/>) for files too large or connections too flaky for one multipart request.
/// A finished upload is attached by naming its id in the report's <c>uploads</c> list. The functions are
/// <see cref="TusDiscoveryFunctions"/> and <see cref="ResumableUploadFunctions"/>.
/// </summary>
public static class ResumableUploadsApi
{
    /// <summary>The uploads' route below the host's route prefix, as the functions declare it.</summary>
    public const string FunctionRoute = "periods/{periodId}/reports/{unitId}/uploads";
    public const string Route = "/api/" + FunctionRoute;
}

/// <summary>OPTIONS tells a client what the server speaks; it says nothing about any unit, so it needs no key.</summary>
[Tags("Đơn vị: tải tệp lớn (tus)"), AnswerAsTus]
public sealed class TusDiscoveryFunctions(ResumableUploads uploads)
{
    [Function("DescribeUploads"), EndpointSummary("Phiên bản và phần mở rộng tus mà máy chủ hỗ trợ")]
    public NoContent Describe([HttpTrigger(AuthorizationLevel.Anonymous, "options", Route = ResumableUploadsApi.FunctionRoute)] HttpRequest req)
    {
        var headers = req.HttpContext.Response.Headers;
        headers["Tus-Version"] = TusProtocol.Version;
        headers["Tus-Extension"] = TusProtocol.Extensions;
        headers["Tus-Max-Size"] = uploads.MaxSize.ToString(CultureInfo.InvariantCulture);
        return TypedResults.NoContent();
    }
}

/// <summary>A unit's tus uploads: creating one, reading its offset, sending the next chunk, and giving it up.</summary>
[Tags("Đơn vị: tải tệp lớn (tus)"), RequireUnitKey, AnswerAsTus, RequireTusVersion]
[ProducesProblem(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status412PreconditionFailed)]
public sealed class ResumableUploadFunctions(ResumableUploads uploads, CatalogService catalog)
{
    private const string OneUpload = ResumableUploadsApi.FunctionRoute + "/{uploadId}";

    [Function("CreateUpload"), EndpointSummary("Tạo phiên tải lên (Upload-Length, Upload-Metadata: filename), có thể kèm phần đầu của tệp")]
    [ProducesProblem(StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType)]
    public async Task<Results<Created, ProblemHttpResult>> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ResumableUploadsApi.FunctionRoute)] HttpRequest req, string periodId, CancellationToken ct)
    {
        var context = req.HttpContext;
        if (!long.TryParse(req.Headers["Upload-Length"], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            return Malformed("Upload-Length", "Cần Upload-Length: độ dài tệp tính bằng byte (máy chủ không nhận Upload-Defer-Length).");
        }
        var metadata = TusProtocol.ParseMetadata(req.Headers["Upload-Metadata"]);
        if (metadata is null) return Malformed("Upload-Metadata", "Upload-Metadata sai định dạng: các cặp 'khoá giá-trị-base64' cách nhau bằng dấu phẩy.");
        var unit = CallingUnit.From(context).Code;
        var period = await catalog.GetPeriodAsync(periodId, ct);
        if (period is null || period.Status != PeriodStatus.Open || !CatalogService.InScope(period, unit, await catalog.GetUnitsAsync(ct)))
        {
            return Problems.NotFound($"Không có kỳ báo cáo '{periodId}' đang mở cho đơn vị này.");
        }
        var hasBody = req.ContentLength > 0;
        if (hasBody && req.ContentType != TusProtocol.ChunkContentType) return WrongChunkType();
        var created = await uploads.CreateAsync(period.Id, unit, length, metadata.GetValueOrDefault("filename"), ct);
        if (created.Problem is { } refused) return refused;
        var upload = created.Value!;
        var location = $"{ReportLinks.Report(period.Id, unit)}/uploads/{upload.Id}";
        Expires(context, upload);
        if (hasBody)
        {
            context.AllowBodyOf(length);
            var appended = await uploads.AppendAsync(new UploadRef(period.Id, unit, upload.Id), 0, req.Body, req.ContentLength!.Value, ct);
            if (appended.Problem is { } problem) return problem;
            context.Response.Headers["Upload-Offset"] = appended.Value!.Offset.ToString(CultureInfo.InvariantCulture);
        }
        return TypedResults.Created(location);
    }

    [Function("GetUploadOffset"), EndpointSummary("Số byte đã nhận (Upload-Offset), để gửi tiếp từ đó")]
    [ProducesProblem(StatusCodes.Status410Gone)]
    public async Task<Results<Ok, ProblemHttpResult>> Head(
        [HttpTrigger(AuthorizationLevel.Anonymous, "head", Route = OneUpload)] HttpRequest req, string periodId, string uploadId, CancellationToken ct)
    {
        var context = req.HttpContext;
        var found = await uploads.GetAsync(Named(context, periodId, uploadId), ct);
        if (found.Problem is { } problem) return problem;
        var headers = context.Response.Headers;
        headers["Upload-Offset"] = found.Value!.Offset.ToString(CultureInfo.InvariantCulture);
        headers["Upload-Length"] = found.Value.Upload.Length.ToString(CultureInfo.InvariantCulture);
        headers.CacheControl = "no-store";
        Expires(context, found.Value.Upload);
        return TypedResults.Ok();
    }

    [Function("AppendUpload"), EndpointSummary("Gửi tiếp một đoạn tệp tại Upload-Offset (Content-Type: application/offset+octet-stream, cần Content-Length)")]
    [ProducesProblem(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict, StatusCodes.Status410Gone,
        StatusCodes.Status411LengthRequired, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType)]
    public async Task<Results<NoContent, ProblemHttpResult>> Patch(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = OneUpload)] HttpRequest req, string periodId, string uploadId, CancellationToken ct)
    {
        var context = req.HttpContext;
        if (req.ContentType != TusProtocol.ChunkContentType) return WrongChunkType();
        // Under the Functions host a chunked body is forwarded empty; every chunk must say its length.
        if (req.ContentLength is null)
        {
            return Problems.Create(StatusCodes.Status411LengthRequired, "length-required", "Cần độ dài nội dung", "Mỗi PATCH phải có Content-Length.");
        }
        if (!long.TryParse(req.Headers["Upload-Offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return Malformed("Upload-Offset", "Cần Upload-Offset: vị trí (byte) của đoạn gửi lên.");
        }
        context.AllowBodyOf(req.ContentLength.Value);
        var appended = await uploads.AppendAsync(Named(context, periodId, uploadId), offset, req.Body, req.ContentLength.Value, ct);
        if (appended.Problem is { } problem) return problem;
        context.Response.Headers["Upload-Offset"] = appended.Value!.Offset.ToString(CultureInfo.InvariantCulture);
        Expires(context, appended.Value.Upload);
        return TypedResults.NoContent();
    }

    [Function("TerminateUpload"), EndpointSummary("Huỷ phiên tải lên và xoá phần đã nhận")]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<Results<NoContent, ProblemHttpResult>> Terminate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = OneUpload)] HttpRequest req, string periodId, string uploadId, CancellationToken ct) =>
        await uploads.TerminateAsync(Named(req.HttpContext, periodId, uploadId), ct) is { } problem
            ? problem
            : TypedResults.NoContent();

    private static UploadRef Named(HttpContext context, string periodId, string uploadId) =>
        new(CatalogText.NormalizeCode(periodId), CallingUnit.From(context).Code, uploadId);

    private static void Expires(HttpContext context, Upload upload) =>
        context.Response.Headers["Upload-Expires"] = upload.ExpiresAt.ToString("r", CultureInfo.InvariantCulture);

    private static ProblemHttpResult WrongChunkType() =>
        Problems.UnsupportedMediaType($"Nội dung mỗi đoạn phải có Content-Type: {TusProtocol.ChunkContentType}.");

    private static ProblemHttpResult Malformed(string header, string detail) =>
        Problems.Malformed(new FieldError(header, "invalid-header", detail));
}
