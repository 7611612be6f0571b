using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Baocao.Workflow;

namespace Baocao.Submissions;

/// <summary>
/// What one report version says, as the workflow keeps it (<see cref="ReportVersion.Body"/>): a
/// <see cref="ValidatedReport"/> with the attachments its files and uploads became, its figures as stored JSON.
/// </summary>
public sealed record VersionContent(
    IReadOnlyDictionary<string, JsonElement> Values,
    IReadOnlyDictionary<string, string> Narratives,
    string? Note,
    IReadOnlyList<StoredAttachment> Attachments)
{
    /// <summary>Stored as read: Vietnamese letters kept as they are rather than escaped, which would triple the size.</summary>
    private static readonly JsonSerializerOptions Stored = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static VersionContent From(ValidatedReport report, IEnumerable<StoredAttachment> attachments) => new(
        report.Values.ToDictionary(v => v.Key, v => JsonSerializer.SerializeToElement(v.Value)),
        report.Narratives,
        report.Note,
        attachments.ToList());

    public string ToJson() => JsonSerializer.Serialize(this, Stored);

    public static VersionContent Read(ReportVersion version) => JsonSerializer.Deserialize<VersionContent>(version.Body, Stored)!;

    /// <summary>
    /// The receipt: SHA-256 over what the unit declared (period, unit, figures, narratives, note, and each file's
    /// name, size and SHA-256), in a canonical order. The same report sent twice has the same receipt, however the
    /// multipart body was framed, which is also how a retried request is recognised.
    /// </summary>
    public string Receipt(string periodId, string unitCode)
    {
        var canonical = new
        {
            periodId,
            unitCode,
            values = new SortedDictionary<string, JsonElement>(Values.ToDictionary(), StringComparer.Ordinal),
            narratives = new SortedDictionary<string, string>(Narratives.ToDictionary(), StringComparer.Ordinal),
            note = Note,
            attachments = Attachments.Select(a => new { a.FileName, a.Size, a.Sha256 }),
        };
        return Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(canonical, Stored)));
    }
}
