using System.Net.Mail;
using System.Text;
using System.Text.RegularExpressions;

namespace Baocao.Catalog;

/// <summary>Shared checks and clean-up for what people type into the catalogue.</summary>
public static partial class CatalogText
{
    [GeneratedRegex("^[A-Z0-9][A-Z0-9_.-]{0,39}$")]
    private static partial Regex CodePattern();

    /// <summary>Codes are keys in storage and in URLs: upper-case ASCII letters, digits, '_', '.', '-'.</summary>
    public static string NormalizeCode(string? code) => (code ?? "").Trim().ToUpperInvariant();

    public static bool IsCode(string code) => CodePattern().IsMatch(code);

    /// <summary>Vietnamese text arrives in NFC or NFD depending on the keyboard; keep one form.</summary>
    public static string Clean(string? text) => (text ?? "").Trim().Normalize(NormalizationForm.FormC);

    public static string? CleanOptional(string? text) => string.IsNullOrWhiteSpace(text) ? null : Clean(text);

    public static bool IsEmail(string email) =>
        MailAddress.TryCreate(email, out var parsed) && parsed.Address == email && email.Contains('.', StringComparison.Ordinal);

    public const string CodeRule = "chỉ gồm chữ cái không dấu, chữ số, '_', '.', '-', tối đa 40 ký tự";
}
