using System.Globalization;
using System.Text.Json;
using Baocao.Workflow;

namespace Baocao.Reporting;

/// <summary>How figures, states and times read in Vietnamese, the same on pages and in exports.</summary>
public static class ReportingText
{
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("vi-VN");

    /// <summary>1.234 and 12,5: Vietnamese groups thousands with dots and writes decimals with a comma.</summary>
    public static string Number(decimal value) => value.ToString("#,##0.##", Culture);

    public static string Number(decimal? value) => value is { } v ? Number(v) : "—";

    public static string Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => Number(value.GetDecimal()),
        JsonValueKind.True => "Có",
        JsonValueKind.False => "Không",
        JsonValueKind.String => value.GetString() ?? "",
        _ => "",
    };

    public static string Time(DateTimeOffset local) => local.ToString("HH:mm dd/MM/yyyy", CultureInfo.InvariantCulture);

    /// <summary>The state as a label: the workflow's name, capitalised.</summary>
    public static string State(ReportState state)
    {
        var name = WorkflowDefinition.Name(state);
        return char.ToUpper(name[0], Culture) + name[1..];
    }

    public static string Basis(FigureBasis basis) => basis == FigureBasis.Approved
        ? "báo cáo đã duyệt"
        : "tất cả báo cáo đã nộp (kể cả chưa duyệt)";

    /// <summary>
    /// Text a spreadsheet would run as a formula (=, +, -, @, and tab or carriage return that some readers strip first)
    /// is kept as text by a leading apostrophe, as OWASP advises against CSV and formula injection.
    /// </summary>
    public static string Neutralize(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;
}
