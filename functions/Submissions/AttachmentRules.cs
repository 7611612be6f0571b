using System.Globalization;
using System.Text;

namespace Baocao.Submissions;

/// <summary>A file type units may attach: its extensions, its MIME type and the bytes it must start with.</summary>
public sealed record AttachmentType(string Name, string ContentType, string[] Extensions, byte[] Signature);

/// <summary>
/// What a unit may attach and how it must be named: documents, spreadsheets and scans, recognised by extension
/// and by their first bytes, with names that are safe on every file system but keep their Vietnamese letters.
/// </summary>
public static class AttachmentRules
{
    public const int MaxFileNameLength = 200;

    private static readonly byte[] Pdf = "%PDF-"u8.ToArray();
    private static readonly byte[] Ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    private static readonly byte[] Zip = [0x50, 0x4B, 0x03, 0x04];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF];
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static readonly IReadOnlyList<AttachmentType> Types =
    [
        new("PDF", "application/pdf", [".pdf"], Pdf),
        new("Word 97-2003", "application/msword", [".doc"], Ole),
        new("Excel 97-2003", "application/vnd.ms-excel", [".xls"], Ole),
        new("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", [".docx"], Zip),
        new("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [".xlsx"], Zip),
        new("OpenDocument Text", "application/vnd.oasis.opendocument.text", [".odt"], Zip),
        new("OpenDocument Spreadsheet", "application/vnd.oasis.opendocument.spreadsheet", [".ods"], Zip),
        new("JPEG", "image/jpeg", [".jpg", ".jpeg"], Jpeg),
        new("PNG", "image/png", [".png"], Png),
    ];

    /// <summary>The longest signature: how many bytes must be read before the type can be judged.</summary>
    public static int SignatureLength { get; } = Types.Max(t => t.Signature.Length);

    public static AttachmentType? ByExtension(string fileName)
    {
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        return Types.FirstOrDefault(t => t.Extensions.Contains(extension));
    }

    public static bool StartsLike(AttachmentType type, ReadOnlySpan<byte> head) => head.StartsWith(type.Signature);

    /// <summary>
    /// The name as people will see it (NFC), or the reason it cannot be used: empty, too long, a path, or holding
    /// control or bidirectional-override characters that could disguise the real extension.
    /// </summary>
    public static (string? Name, string? Problem) CleanFileName(string? raw)
    {
        var name = (raw ?? "").Normalize(NormalizationForm.FormC).Trim();
        if (name.Length == 0) return (null, "Tên tệp trống.");
        if (name.Length > MaxFileNameLength) return (null, $"Tên tệp dài quá {MaxFileNameLength} ký tự.");
        if (name.Contains('/') || name.Contains('\\') || name is "." or ".." || name.StartsWith("..", StringComparison.Ordinal))
            return (null, "Tên tệp không được chứa đường dẫn.");
        foreach (var rune in name.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
                return (null, $"Tên tệp chứa ký tự không được phép (U+{rune.Value:X4}).");
        }
        if (name.EndsWith('.') || name.EndsWith(' ')) return (null, "Tên tệp không được kết thúc bằng dấu chấm hoặc khoảng trắng.");
        return (name, null);
    }
}
