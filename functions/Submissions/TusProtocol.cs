using System.Text;
using Baocao.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Baocao.Submissions;

/// <summary>
/// The tus resumable-upload protocol 1.0.0 as this app speaks it (core, creation, creation-with-upload, termination,
/// expiration): its version and extensions, the chunk content type, Upload-Metadata, and its problem answers.
/// </summary>
public static class TusProtocol
{
    public const string Version = "1.0.0";
    public const string Extensions = "creation,creation-with-upload,termination,expiration";
    public const string ChunkContentType = "application/offset+octet-stream";

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

    /// <summary>A PATCH at another offset than the upload stands at: the client asks again with HEAD.</summary>
    public static ProblemHttpResult OffsetMismatch(string detail) =>
        Problems.Create(StatusCodes.Status409Conflict, "offset-mismatch", "Sai vị trí tải lên", detail);

    public static ProblemHttpResult Refuse(AttachmentRefusal refusal) =>
        Problems.Create(refusal.Status, refusal.Code, refusal.Status switch
        {
            StatusCodes.Status413PayloadTooLarge => "Quá lớn",
            StatusCodes.Status415UnsupportedMediaType => "Định dạng không được hỗ trợ",
            _ => "Tệp không hợp lệ",
        }, refusal.Detail);
}

/// <summary>Every tus answer names the protocol version, errors included.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class AnswerAsTusAttribute : Attribute, IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        context.HttpContext.Response.Headers["Tus-Resumable"] = TusProtocol.Version;
        return await next(context);
    }
}

/// <summary>A tus request must name the protocol version the server speaks (<c>Tus-Resumable</c>), or it gets 412 and the version.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class RequireTusVersionAttribute : Attribute, IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.HttpContext.Request.Headers["Tus-Resumable"] == TusProtocol.Version) return await next(context);
        context.HttpContext.Response.Headers["Tus-Version"] = TusProtocol.Version;
        return Problems.Create(StatusCodes.Status412PreconditionFailed, "tus-version", "Phiên bản tus không được hỗ trợ", $"Cần Tus-Resumable: {TusProtocol.Version}.");
    }
}
