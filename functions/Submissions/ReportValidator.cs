using System.Text.Json;
using Baocao.Catalog;
using Baocao.Hosting;

namespace Baocao.Submissions;

/// <summary>
/// A report as the unit sent it, the <c>report</c> part of a submission: indicator values by code, narrative text by
/// section code, an optional note to the reviewer, and the ids of finished resumable uploads to attach. Values stay raw
/// JSON until checked against the template, so a wrong type is named precisely.
/// </summary>
public sealed record ReportDraft(
    Dictionary<string, JsonElement>? Values = null,
    Dictionary<string, string>? Narratives = null,
    string? Note = null,
    IReadOnlyList<string>? Uploads = null);

/// <summary>
/// A <see cref="ReportDraft"/> that passed its template: what it adds is values typed as the indicators say, derived
/// totals computed, narratives and note cleaned; the upload ids are left behind for the files they name.
/// </summary>
public sealed record ValidatedReport(
    IReadOnlyDictionary<string, object> Values,
    IReadOnlyDictionary<string, string> Narratives,
    string? Note);

/// <summary>
/// Checks a report against the template version its period pins: known codes, types, required values, bounds,
/// "of which" counts not above their parent, narratives where the template has them. Every problem is reported,
/// each with its JSON pointer, a code and a Vietnamese sentence.
/// </summary>
public static class ReportValidator
{
    public const int MaxTextLength = 4_000;
    public const int MaxNarrativeLength = 50_000;
    public const int MaxNoteLength = 4_000;

    public static (ValidatedReport? Report, ValidationErrors Errors) Validate(ReportDraft draft, ReportTemplate template)
    {
        var errors = new ValidationErrors();
        var indicators = template.Indicators.ToDictionary(i => i.Code);
        var values = new Dictionary<string, object>();
        foreach (var (rawCode, raw) in draft.Values ?? [])
        {
            var code = CatalogText.NormalizeCode(rawCode);
            var at = $"/values/{rawCode}";
            if (!indicators.TryGetValue(code, out var indicator))
            {
                errors.Add(at, "unknown-indicator", $"Mẫu báo cáo không có chỉ tiêu '{rawCode}'.");
                continue;
            }
            if (raw.ValueKind == JsonValueKind.Null) continue;
            if (indicator.IsDerived)
            {
                errors.Add(at, "derived-value", $"'{indicator.Name}' được tính tự động từ các chỉ tiêu thành phần; không nhập.");
                continue;
            }
            if (Read(indicator, raw, at, errors) is { } value) values[code] = value;
        }
        foreach (var indicator in indicators.Values)
        {
            if (indicator.Required && !values.ContainsKey(indicator.Code) && !errors.Items.Any(e => e.Pointer.Equals($"/values/{indicator.Code}", StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add($"/values/{indicator.Code}", "required", $"Chưa nhập '{indicator.Name}' (bắt buộc).");
            }
            if (indicator.PartOf is { } parent && values.TryGetValue(indicator.Code, out var part) && values.TryGetValue(parent, out var whole)
                && Convert.ToDecimal(part) > Convert.ToDecimal(whole))
            {
                errors.Add($"/values/{indicator.Code}", "exceeds-parent",
                    $"'{indicator.Name}' ({part}) không được lớn hơn '{indicators[parent].Name}' ({whole}).");
            }
        }
        var narratives = CheckNarratives(draft.Narratives ?? [], template, errors);
        var note = CatalogText.CleanOptional(draft.Note);
        if (note?.Length > MaxNoteLength) errors.Add("/note", "too-long", $"Ghi chú dài quá {MaxNoteLength} ký tự.");
        else if (note is not null) CheckCharacters("/note", "Ghi chú", note, errors);
        if (errors.Any) return (null, errors);

        foreach (var total in indicators.Values.Where(i => i.IsDerived))
        {
            var sum = Sum(total, indicators, values);
            values[total.Code] = total.Type == IndicatorType.Integer ? (object)decimal.ToInt64(sum) : sum;
        }
        return (new ValidatedReport(values, narratives, note), errors);
    }

    private static object? Read(Indicator indicator, JsonElement raw, string at, ValidationErrors errors)
    {
        object? value = indicator.Type switch
        {
            IndicatorType.Integer when raw.ValueKind == JsonValueKind.Number && raw.TryGetInt64(out var whole) => whole,
            IndicatorType.Decimal or IndicatorType.Percentage when raw.ValueKind == JsonValueKind.Number && raw.TryGetDecimal(out var number) => number,
            IndicatorType.YesNo when raw.ValueKind is JsonValueKind.True or JsonValueKind.False => raw.GetBoolean(),
            IndicatorType.Text when raw.ValueKind == JsonValueKind.String => CatalogText.Clean(raw.GetString()),
            _ => null,
        };
        if (value is null)
        {
            errors.Add(at, "invalid-type", $"'{indicator.Name}' phải là {Expected(indicator.Type)}.");
            return null;
        }
        if (value is string text && text.Length > MaxTextLength)
        {
            errors.Add(at, "too-long", $"'{indicator.Name}' dài quá {MaxTextLength} ký tự.");
            return null;
        }
        if (value is string written && !CheckCharacters(at, $"'{indicator.Name}'", written, errors)) return null;
        if (value is long or decimal)
        {
            var amount = Convert.ToDecimal(value);
            var min = indicator.Min ?? (indicator.Type == IndicatorType.Percentage ? 0 : null);
            var max = indicator.Max ?? (indicator.Type == IndicatorType.Percentage ? 100 : null);
            if (amount < min) errors.Add(at, "below-min", $"'{indicator.Name}' không được nhỏ hơn {min}.");
            else if (amount > max) errors.Add(at, "above-max", $"'{indicator.Name}' không được lớn hơn {max}.");
        }
        return value;
    }

    private static string Expected(IndicatorType type) => type switch
    {
        IndicatorType.Integer => "số nguyên",
        IndicatorType.Decimal => "số",
        IndicatorType.Percentage => "tỷ lệ phần trăm (số từ 0 đến 100)",
        IndicatorType.YesNo => "có/không (true/false)",
        _ => "văn bản",
    };

    private static Dictionary<string, string> CheckNarratives(Dictionary<string, string> raw, ReportTemplate template, ValidationErrors errors)
    {
        var sections = template.Sections.ToDictionary(s => s.Code);
        var narratives = new Dictionary<string, string>();
        foreach (var (rawCode, text) in raw)
        {
            var at = $"/narratives/{rawCode}";
            if (!sections.TryGetValue(CatalogText.NormalizeCode(rawCode), out var section))
                errors.Add(at, "unknown-section", $"Mẫu báo cáo không có phần '{rawCode}'.");
            else if (!section.Narrative)
                errors.Add(at, "narrative-not-allowed", $"Phần '{section.Title}' không có nội dung thuyết minh.");
            else if (CatalogText.Clean(text) is { Length: > MaxNarrativeLength })
                errors.Add(at, "too-long", $"Nội dung phần '{section.Title}' dài quá {MaxNarrativeLength} ký tự.");
            else if (CatalogText.Clean(text) is { Length: > 0 } clean && CheckCharacters(at, $"Nội dung phần '{section.Title}'", clean, errors))
                narratives[section.Code] = clean;
        }
        foreach (var section in template.Sections.Where(s => s.NarrativeRequired && !narratives.ContainsKey(s.Code)))
        {
            if (!errors.Items.Any(e => e.Pointer.Equals($"/narratives/{section.Code}", StringComparison.OrdinalIgnoreCase)))
                errors.Add($"/narratives/{section.Code}", "required", $"Chưa viết nội dung phần '{section.Title}' (bắt buộc).");
        }
        return narratives;
    }

    /// <summary>
    /// Text goes on into mail, pages and XML exports (xlsx, docx), where control characters (other than tab and line
    /// breaks) and lone surrogates cannot be written: one unit's stray NUL would break the province's export.
    /// </summary>
    private static bool CheckCharacters(string at, string label, string text, ValidationErrors errors)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c) || (char.IsControl(c) && c is not ('\t' or '\n' or '\r')))
            {
                errors.Add(at, "invalid-character", $"{label} chứa ký tự không được phép (U+{(int)c:X4}); hãy xoá ký tự đó rồi gửi lại.");
                return false;
            }
        }
        return true;
    }

    /// <summary>A derived total: the sum of its parts that were reported (totals of totals included).</summary>
    private static decimal Sum(Indicator total, IReadOnlyDictionary<string, Indicator> indicators, IReadOnlyDictionary<string, object> values) =>
        total.SumOf!.Sum(code => indicators[code].IsDerived
            ? Sum(indicators[code], indicators, values)
            : values.TryGetValue(code, out var v) ? Convert.ToDecimal(v) : 0m);
}
