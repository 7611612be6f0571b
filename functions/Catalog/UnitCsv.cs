using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Baocao.Hosting;

namespace Baocao.Catalog;

/// <summary>
/// Reads units from CSV (UTF-8, comma-separated, header row), as exported from a spreadsheet:
/// <c>code,name,level,parent,active,officerName,officerEmail,officerPhone,headName,headEmail,headPhone</c>.
/// Only code, name and level are required columns. Errors carry the line number.
/// </summary>
public static class UnitCsv
{
    public static readonly string[] Columns =
        ["code", "name", "level", "parent", "active", "officerName", "officerEmail", "officerPhone", "headName", "headEmail", "headPhone"];

    private static readonly string[] RequiredColumns = ["code", "name", "level"];

    public sealed record Row(OrgUnit Unit, int Line);

    public static (IReadOnlyList<Row> Rows, FieldError? Error) Parse(string text)
    {
        using var csv = Open(text);
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header)
        {
            return ([], new FieldError("", "empty-csv", "Tệp CSV trống, thiếu dòng tiêu đề.", 1));
        }
        if (HeaderError(header) is { } wrongHeader) return ([], wrongHeader);

        var rows = new List<Row>();
        while (true)
        {
            // A record starts on the line after the previous one ended (a quoted field may span lines).
            var line = csv.Parser.RawRow + 1;
            if (Next(csv, out var more) is { } malformed) return ([], malformed);
            if (!more) break;
            var (unit, error) = ReadUnit(csv, header.Length, line);
            if (error is not null) return ([], error);
            if (unit is not null) rows.Add(new Row(unit, line));
        }
        return (rows, null);
    }

    private static CsvReader Open(string text) =>
        new(new StringReader(text.TrimStart('\uFEFF')), new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            DetectDelimiter = false,
            TrimOptions = TrimOptions.Trim,
            BadDataFound = null,
            MissingFieldFound = null,
        });

    /// <summary>The first column the header should not have, or the first it lacks.</summary>
    private static FieldError? HeaderError(string[] header)
    {
        var unknown = header.FirstOrDefault(h => !Columns.Contains(h, StringComparer.Ordinal));
        if (unknown is not null)
        {
            return new FieldError($"/{unknown}", "unknown-field",
                $"Dòng 1: cột '{unknown}' không được hỗ trợ. Các cột hợp lệ: {string.Join(", ", Columns)}.", 1);
        }
        var missing = RequiredColumns.FirstOrDefault(c => !header.Contains(c, StringComparer.Ordinal));
        return missing is null ? null : new FieldError($"/{missing}", "missing-field", $"Dòng 1: thiếu cột bắt buộc '{missing}'.", 1);
    }

    /// <summary>Reads the next record; the error when the text is not CSV from there on.</summary>
    private static FieldError? Next(CsvReader csv, out bool more)
    {
        try
        {
            more = csv.Read();
            return null;
        }
        catch (CsvHelperException error)
        {
            more = false;
            var at = error.Context?.Parser?.RawRow ?? 0;
            return new FieldError("", "malformed-csv", $"Dòng {at}: CSV không đúng định dạng.", at);
        }
    }

    /// <summary>The unit on the record just read, or why it cannot be one; neither for a blank record, which is skipped.</summary>
    private static (OrgUnit? Unit, FieldError? Error) ReadUnit(CsvReader csv, int columns, int line)
    {
        if (QuotesAreUnbalanced(csv.Parser.RawRecord))
        {
            return (null, new FieldError("", "malformed-csv", $"Dòng {line}: dấu ngoặc kép không được đóng.", line));
        }
        if (csv.Parser.Count != columns)
        {
            return (null, new FieldError("", "malformed-csv", $"Dòng {line}: có {csv.Parser.Count} cột, trong khi dòng tiêu đề có {columns} cột.", line));
        }
        if (csv.Parser.Record is { } record && record.All(string.IsNullOrWhiteSpace)) return (null, null);
        if (!TryReadActive(csv.GetField("active"), out var active))
        {
            return (null, new FieldError("/active", "invalid-value", $"Dòng {line}: cột 'active' phải là true/false (hoặc có/không).", line));
        }
        return (new OrgUnit(
            Code: csv.GetField("code") ?? "",
            Name: csv.GetField("name") ?? "",
            Level: csv.GetField("level") ?? "",
            Parent: Optional(csv, "parent"),
            Active: active,
            ReportingOfficer: ContactFrom(csv, "officer"),
            Head: ContactFrom(csv, "head")), null);
    }

    /// <summary>An unterminated quoted field swallows the rest of the file; its raw text holds an odd number of quotes.</summary>
    private static bool QuotesAreUnbalanced(string raw) => raw.Count(c => c == '"') % 2 == 1;

    private static bool TryReadActive(string? text, out bool active)
    {
        switch (CatalogText.Clean(text).ToLowerInvariant())
        {
            case "" or "true" or "1" or "có" or "x":
                active = true;
                return true;
            case "false" or "0" or "không":
                active = false;
                return true;
            default:
                active = false;
                return false;
        }
    }

    private static string? Optional(CsvReader csv, string column) =>
        csv.HeaderRecord!.Contains(column) && !string.IsNullOrWhiteSpace(csv.GetField(column)) ? csv.GetField(column) : null;

    private static Contact? ContactFrom(CsvReader csv, string prefix)
    {
        var name = Optional(csv, prefix + "Name");
        var email = Optional(csv, prefix + "Email");
        return name is null && email is null ? null : new Contact(name ?? "", email ?? "", Optional(csv, prefix + "Phone"));
    }
}
