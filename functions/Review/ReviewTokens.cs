using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Baocao.Workflow;
using Microsoft.Extensions.Options;

namespace Baocao.Review;

/// <summary>
/// What an action link stands for: one recipient's decision in one stage on one version of one report, until
/// <see cref="Expires"/>. <see cref="Nonce"/> names the link itself, so that it decides once. An acting officer's link
/// names the assignee they act <see cref="For"/>.
/// </summary>
public sealed record ReviewLink(
    [property: JsonPropertyName("i")] string InstanceId,
    [property: JsonPropertyName("v")] int Version,
    [property: JsonPropertyName("s")] string Stage,
    [property: JsonPropertyName("r")] string Recipient,
    [property: JsonPropertyName("e")] long ExpiresUnix,
    [property: JsonPropertyName("n")] string Nonce,
    [property: JsonPropertyName("f"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? For = null)
{
    [JsonIgnore]
    public DateTimeOffset Expires => DateTimeOffset.FromUnixTimeSeconds(ExpiresUnix);

    /// <summary>The single-use key the decision records in the instance's partition, in the decision's own transaction.</summary>
    public OperationKey UseKey(string decision, TimeSpan keptFor) => new("link:" + Nonce, decision, keptFor);
}

/// <summary>
/// Signs and reads action-link tokens: <c>{keyId}.{payload}.{signature}</c>, base64url, HMAC-SHA256 over the key id and
/// the payload. The key id lets old links verify with their key while new links use the current one.
/// </summary>
public sealed class ReviewTokens(IOptions<ReviewOptions> options, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Compact = new(JsonSerializerDefaults.Web);

    public ReviewLink NewLink(string instanceId, int version, string stage, string recipient, string? onBehalfOf = null) =>
        new(instanceId, version, stage, recipient.ToLowerInvariant(), (clock.GetUtcNow() + options.Value.LinkLifetime).ToUnixTimeSeconds(),
            Base64Url(RandomNumberGenerator.GetBytes(12)), onBehalfOf?.ToLowerInvariant());

    public string Sign(ReviewLink link)
    {
        var keyId = options.Value.CurrentKeyId;
        var signed = keyId + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(link, Compact));
        return signed + "." + Base64Url(Mac(options.Value.SigningKeys[keyId], signed));
    }

    /// <summary>The link a token stands for, or null when it is not one this app signed (bad shape, unknown key, altered).</summary>
    public ReviewLink? Read(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || !options.Value.SigningKeys.TryGetValue(parts[0], out var key)) return null;
        if (FromBase64Url(parts[2]) is not { } signature) return null;
        if (!CryptographicOperations.FixedTimeEquals(signature, Mac(key, parts[0] + "." + parts[1]))) return null;
        try
        {
            return FromBase64Url(parts[1]) is { } payload ? JsonSerializer.Deserialize<ReviewLink>(payload, Compact) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A signature over a receipt's words with the current key, quoted as <c>{keyId}:{hex}</c>.</summary>
    public string SignReceipt(string text) =>
        options.Value.CurrentKeyId + ":" + Convert.ToHexStringLower(Mac(options.Value.SigningKeys[options.Value.CurrentKeyId], text));

    private static byte[] Mac(string key, string text) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(text));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - padded.Length % 4) % 4);
        var bytes = new byte[padded.Length];
        return Convert.TryFromBase64String(padded, bytes, out var written) ? bytes[..written] : null;
    }
}
