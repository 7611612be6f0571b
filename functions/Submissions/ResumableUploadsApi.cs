using System.Globalization;
using System.Text;
using Baocao.Access;
using Baocao.Catalog;
using Baocao.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Baocao.Submissions;

/// <summary>
/// The tus resumable-upload protocol 1.0.0 (core, creation, creation-with-upload, termination, expiration) for files
/// too large or connections too flaky for one multipart request. A finished upload is attached by naming its id in
/// the report's <c>uploads</c> list.
/// </summary>
public static class ResumableUploadsApi
{
    public const string Version = "1.0.0";
    public const string Extensions = "creation,creation-with-upload,termination,expiration";
    public const string ChunkContentType = "application/offset+octet-stream";
    public const string Route = "/api/periods/{periodId}/reports/{unitId}/uploads";

    public static IEndpointRouteBuilder MapResumableUploadsApi(this IEndpointRouteBuilder app)
    {
        // OPTIONS tells a client what the server speaks; it says nothing about any unit, so it needs no key.
        app.MapMethods(Route, ["OPTIONS"], Describe).WithName("DescribeUploads").WithTags("Đơn vị: tải tệp lớn (tus)")
            .WithSummary("Phiên bản và phần mở rộng tus mà máy chủ hỗ trợ").AddEndpointFilter(AnswerAsTus);
        var uploads = app.MapGroup(Route).RequireUnitKey().AddEndpointFilter(AnswerAsTus).AddEndpointFilter(RequireTusVersion)
            .WithTags("Đơn vị: tải tệp lớn (tus)")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        uploads.MapPost("/", Create).WithName("CreateUpload")
            .WithSummary("Tạo phiên tải lên (Upload-Length, Upload-Metadata: filename), có thể kèm phần đầu của tệp")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        uploads.MapMethods("/{uploadId}", ["HEAD"], Head).WithName("GetUploadOffset")
            .WithSummary("Số byte đã nhận (Upload-Offset), để gửi tiếp từ đó").ProducesProblem(StatusCodes.Status410Gone);
        uploads.MapPatch("/{uploadId}", Patch).WithName("AppendUpload")
            .WithSummary("Gửi tiếp một đoạn tệp tại Upload-Offset (Content-Type: application/offset+octet-stream, cần Content-Length)")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status411LengthRequired).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        uploads.MapDelete("/{uploadId}", Terminate).WithName("TerminateUpload")
            .WithSummary("Huỷ phiên tải lên và xoá phần đã nhận").ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    public static NoContent Describe(HttpContext context, ResumableUploads uploads)
    {
        var headers = context.Response.Headers;
        headers["Tus-Version"] = Version;
        headers["Tus-Extension"] = Extensions;
        headers["Tus-Max-Size"] = uploads.MaxSize.ToString(CultureInfo.InvariantCulture);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Created, ProblemHttpResult>> Create(string periodId, HttpContext context, ResumableUploads uploads, CatalogService catalog, CancellationToken ct)
    {
        var request = context.Request;
        if (!long.TryParse(request.Headers["Upload-Length"], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            return Malformed("Upload-Length", "Cần Upload-Length: độ dài tệp tính bằng byte (máy chủ không nhận Upload-Defer-Length).");
        }
        var metadata = ParseMetadata(request.Headers["Upload-Metadata"]);
        if (metadata is null) return Malformed("Upload-Metadata", "Upload-Metadata sai định dạng: các cặp 'khoá giá-trị-base64' cách nhau bằng dấu phẩy.");
        var unit = CallingUnit.From(context).Code;
        var period = await catalog.GetPeriodAsync(periodId, ct);
        if (period is null || period.Status != PeriodStatus.Open || !CatalogService.InScope(period, unit, await catalog.GetUnitsAsync(ct)))
        {
            return Problems.NotFound($"Không có kỳ báo cáo '{periodId}' đang mở cho đơn vị này.");
        }
        var hasBody = request.ContentLength > 0;
        if (hasBody && request.ContentType != ChunkContentType) return WrongChunkType();
        var created = await uploads.CreateAsync(period.Id, unit, length, metadata.GetValueOrDefault("filename"), ct);
        if (created.Problem is { } refused) return refused;
        var upload = created.Value!;
        var location = $"{ReportLinks.Report(period.Id, unit)}/uploads/{upload.Id}";
        Expires(context, upload);
        if (hasBody)
        {
            context.AllowBodyOf(length);
            var appended = await uploads.AppendAsync(period.Id, unit, upload.Id, 0, request.Body, request.ContentLength!.Value, ct);
            if (appended.Problem is { } problem) return problem;
            context.Response.Headers["Upload-Offset"] = appended.Value!.Offset.ToString(CultureInfo.InvariantCulture);
        }
        return TypedResults.Created(location);
    }

    public static async Task<Results<Ok, ProblemHttpResult>> Head(string periodId, string uploadId, HttpContext context, ResumableUploads uploads, CancellationToken ct)
    {
        var found = await uploads.GetAsync(CatalogText.NormalizeCode(periodId), CallingUnit.From(context).Code, uploadId, ct);
        if (found.Problem is { } problem) return problem;
        var headers = context.Response.Headers;
        headers["Upload-Offset"] = found.Value!.Offset.ToString(CultureInfo.InvariantCulture);
        headers["Upload-Length"] = found.Value.Upload.Length.ToString(CultureInfo.InvariantCulture);
        headers.CacheControl = "no-store";
        Expires(context, found.Value.Upload);
        return TypedResults.Ok();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Patch(string periodId, string uploadId, HttpContext context, ResumableUploads uploads, CancellationToken ct)
    {
        var request = context.Request;
        if (request.ContentType != ChunkContentType) return WrongChunkType();
        // Under the Functions host a chunked body is forwarded empty; every chunk must say its length.
        if (request.ContentLength is null)
        {
            return Problems.Create(StatusCodes.Status411LengthRequired, "length-required", "Cần độ dài nội dung", "Mỗi PATCH phải có Content-Length.");
        }
        if (!long.TryParse(request.Headers["Upload-Offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return Malformed("Upload-Offset", "Cần Upload-Offset: vị trí (byte) của đoạn gửi lên.");
        }
        context.AllowBodyOf(request.ContentLength.Value);
        var appended = await uploads.AppendAsync(CatalogText.NormalizeCode(periodId), CallingUnit.From(context).Code, uploadId, offset, request.Body, request.ContentLength.Value, ct);
        if (appended.Problem is { } problem) return problem;
        context.Response.Headers["Upload-Offset"] = appended.Value!.Offset.ToString(CultureInfo.InvariantCulture);
        Expires(context, appended.Value.Upload);
        return TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Terminate(string periodId, string uploadId, HttpContext context, ResumableUploads uploads, CancellationToken ct) =>
        await uploads.TerminateAsync(CatalogText.NormalizeCode(periodId), CallingUnit.From(context).Code, uploadId, ct) is { } problem
            ? problem
            : TypedResults.NoContent();

    /// <summary>tus metadata: comma-separated "key base64value" pairs (value optional); null when malformed.</summary>
    public static Dictionary<string, string>? ParseMetadata(string? header)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (header ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 2 || !pairs.TryAdd(parts[0], "")) return null;
            if (parts.Length == 1) continue;
            try
            {
                pairs[parts[0]] = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(parts[1]));
            }
            catch (Exception error) when (error is FormatException or ArgumentException)
            {
                return null;
            }
        }
        return pairs;
    }

    /// <summary>Every tus answer names the protocol version, errors included.</summary>
    private static async ValueTask<object?> AnswerAsTus(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        context.HttpContext.Response.Headers["Tus-Resumable"] = Version;
        return await next(context);
    }

    private static async ValueTask<object?> RequireTusVersion(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.HttpContext.Request.Headers["Tus-Resumable"] == Version) return await next(context);
        context.HttpContext.Response.Headers["Tus-Version"] = Version;
        return Problems.Create(StatusCodes.Status412PreconditionFailed, "tus-version", "Phiên bản tus không được hỗ trợ", $"Cần Tus-Resumable: {Version}.");
    }

    private static void Expires(HttpContext context, Upload upload) =>
        context.Response.Headers["Upload-Expires"] = upload.ExpiresAt.ToString("r", CultureInfo.InvariantCulture);

    private static ProblemHttpResult WrongChunkType() =>
        Problems.UnsupportedMediaType($"Nội dung mỗi đoạn phải có Content-Type: {ChunkContentType}.");

    private static ProblemHttpResult Malformed(string header, string detail) =>
        Problems.Malformed(new FieldError(header, "invalid-header", detail));
}
