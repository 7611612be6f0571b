using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Baocao.Hosting;

/// <summary>
/// Strict JSON for everything the API reads: unknown fields, missing required fields, nulls where none are allowed,
/// numbers in strings and enum numbers are all refused, with the line and the JSON pointer of the offence.
/// </summary>
public static class JsonBody
{
    public static readonly JsonSerializerOptions Strict = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        MaxDepth = 32,
    });

    /// <summary>Applies the conventions shared by what the API reads and what it writes.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        // A number is a number both ways; the API's document then offers integers as integers, not as strings too.
        options.NumberHandling = JsonNumberHandling.Strict;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        return options;
    }

    /// <summary>
    /// The request's body as <typeparamref name="T"/>, for a function that reads its body itself since it may be other
    /// than JSON; a function that only takes JSON takes it as a <see cref="JsonBodyAttribute"/> parameter.
    /// </summary>
    public static async Task<Outcome<T>> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : class
        => As<T>(await ReadAsync(request, typeof(T), cancellationToken));

    /// <summary>The request's body as <paramref name="type"/>, or the 415 or 400 that says why it cannot be.</summary>
    public static async Task<Outcome<object>> ReadAsync(HttpRequest request, Type type, CancellationToken cancellationToken)
    {
        if (!IsJson(request.ContentType))
        {
            return new(null, Problems.UnsupportedMediaType("Nội dung phải là JSON (Content-Type: application/json)."));
        }
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return Parse(buffer.ToArray(), type);
    }

    public static Outcome<T> Parse<T>(ReadOnlySpan<byte> utf8) where T : class => As<T>(Parse(utf8, typeof(T)));

    private static Outcome<T> As<T>(Outcome<object> read) where T : class => read.Problem is { } problem ? problem : (T)read.Value!;

    public static Outcome<object> Parse(ReadOnlySpan<byte> utf8, Type type)
    {
        if (utf8.Trim("\t\n\r "u8).IsEmpty)
        {
            return new(null, Problems.Malformed(new FieldError("", "empty-body", "Thiếu nội dung JSON.")));
        }
        try
        {
            var value = JsonSerializer.Deserialize(utf8, type, Strict);
            return value is null
                ? new(null, Problems.Malformed(new FieldError("", "empty-body", "Nội dung JSON là null.")))
                : new(value, null);
        }
        catch (JsonException exception)
        {
            return new(null, Problems.Malformed(Describe(exception)));
        }
    }

    public static bool IsJson(string? contentType) =>
        contentType is not null && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.Contains("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// System.Text.Json gives no error codes, only English messages (stable across releases); they are read here
    /// to give the user a Vietnamese sentence and a code, never shown as they are, since they name .NET types.
    /// </summary>
    private static FieldError Describe(JsonException exception)
    {
        var line = exception.LineNumber is { } l ? (int)l + 1 : (int?)null;
        var column = exception.BytePositionInLine is { } c ? (int)c + 1 : (int?)null;
        var pointer = ToPointer(exception.Path);
        var where = line is null ? "" : $" (dòng {line}, cột {column})";
        var message = exception.Message;
        if (message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return new FieldError(pointer, "unknown-field", $"Trường '{LastSegment(pointer)}' không có trong mẫu dữ liệu{where}.", line);
        }
        if (message.Contains("missing required properties", StringComparison.Ordinal))
        {
            var names = message[(message.IndexOf("including:", StringComparison.Ordinal) + "including:".Length)..].Trim().TrimEnd('.');
            return new FieldError(pointer, "missing-field", $"Thiếu trường bắt buộc: {names}{where}.", line);
        }
        if (message.Contains("could not be converted", StringComparison.Ordinal) || message.Contains("null", StringComparison.OrdinalIgnoreCase))
        {
            return new FieldError(pointer, "invalid-value", $"Giá trị tại '{pointer}' sai kiểu hoặc không được để trống{where}.", line);
        }
        if (message.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            return new FieldError(pointer, "too-deep", $"JSON lồng nhau quá sâu{where}.", line);
        }
        return new FieldError(pointer, "malformed-json", $"JSON không đúng cú pháp{where}.", line);
    }

    /// <summary>Turns System.Text.Json's <c>$.a[0].b</c> path into the RFC 6901 pointer <c>/a/0/b</c>.</summary>
    internal static string ToPointer(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "";
        var pointer = new StringBuilder();
        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                if (end < 0) end = path.Length;
                Append(pointer, path[(i + 1)..end]);
                i = end;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0) break;
                var inner = path[(i + 1)..end];
                Append(pointer, inner.Trim('\''));
                i = end + 1;
            }
            else
            {
                i++;
            }
        }
        return pointer.ToString();
    }

    private static void Append(StringBuilder pointer, string segment) =>
        pointer.Append('/').Append(segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));

    private static string LastSegment(string pointer) => pointer[(pointer.LastIndexOf('/') + 1)..];
}
