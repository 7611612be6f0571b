using System.Globalization;
using System.Text;
using System.Text.Json;
using Baocao.Catalog;
using CsvHelper;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;
using MiniExcelLibs.OpenXml;
using static Baocao.Reporting.ReportingText;

namespace Baocao.Reporting;

/// <summary>A period's consolidated figures over approved reports and over all submitted ones, and the previous period's.</summary>
public sealed record ExportBasis(PeriodReports Reports, Consolidation Approved, Consolidation Submitted);

/// <summary>
/// The period's files for the province's own work: a workbook (a sheet per section, a row per unit, totals rows), a
/// CSV of every figure for any tool, and a draft consolidated report in Word. Every piece of text a unit wrote passes
/// through <see cref="ReportingText.Neutralize"/> first, so no cell can run as a formula.
/// </summary>
public static class PeriodExports
{
    private const string UnitCodeHead = "Mã đơn vị", UnitHead = "Đơn vị", LevelHead = "Cấp", StateHead = "Trạng thái", VersionHead = "Phiên bản", NarrativeHead = "Thuyết minh";

    public static byte[] Xlsx(ExportBasis basis)
    {
        var sheets = new Dictionary<string, object>();
        var columns = new Dictionary<string, DynamicExcelColumn>();
        foreach (var section in basis.Reports.Template.Sections)
        {
            var rows = basis.Reports.Units.Select(u =>
            {
                var row = UnitColumns(u);
                foreach (var i in section.IndicatorList) row[Header(i)] = Cell(Consolidation.Value(u, i.Code) ?? TextValue(u, i));
                if (section.Narrative) row[NarrativeHead] = Neutralize(u.Latest?.Narratives.GetValueOrDefault(section.Code) ?? "");
                return row;
            }).ToList();
            if (section.IndicatorList.Count > 0)
            {
                rows.Add(TotalRow(section, basis.Approved, "Tổng cộng (báo cáo đã duyệt)"));
                rows.Add(TotalRow(section, basis.Submitted, "Tổng cộng (tất cả báo cáo đã nộp)"));
            }
            sheets[SheetName(section.Title, sheets.Keys)] = rows;
            foreach (var i in section.IndicatorList.Where(i => i.IsNumeric))
            {
                columns[Header(i)] = new DynamicExcelColumn(Header(i)) { Format = i.Type == IndicatorType.Integer ? "#,##0" : "#,##0.0#", Width = 16 };
            }
        }
        columns[UnitHead] = new DynamicExcelColumn(UnitHead) { Width = 40 };
        columns[NarrativeHead] = new DynamicExcelColumn(NarrativeHead) { Width = 80 };
        using var stream = new MemoryStream();
        stream.SaveAs(sheets, configuration: new OpenXmlConfiguration { DynamicColumns = [.. columns.Values] });
        return stream.ToArray();
    }

    /// <summary>Every unit's figures and narratives in one table, UTF-8 with a byte order mark so Excel reads the Vietnamese right.</summary>
    public static byte[] Csv(ExportBasis basis)
    {
        var template = basis.Reports.Template;
        using var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true)))
        using (var csv = new CsvWriter(writer, CultureInfo.InvariantCulture))
        {
            string[] heads = [UnitCodeHead, UnitHead, LevelHead, StateHead, VersionHead, .. template.Indicators.Select(Header),
                .. template.Sections.Where(s => s.Narrative).Select(s => $"{NarrativeHead}: {s.Title}")];
            foreach (var head in heads) csv.WriteField(head);
            csv.NextRecord();
            foreach (var u in basis.Reports.Units)
            {
                foreach (var value in UnitColumns(u).Values) csv.WriteField(Text(value));
                foreach (var i in template.Indicators) csv.WriteField(Text(Cell(Consolidation.Value(u, i.Code) ?? TextValue(u, i))));
                foreach (var s in template.Sections.Where(s => s.Narrative)) csv.WriteField(Neutralize(u.Latest?.Narratives.GetValueOrDefault(s.Code) ?? ""));
                csv.NextRecord();
            }
            foreach (var totals in new[] { basis.Approved, basis.Submitted })
            {
                csv.WriteField("");
                csv.WriteField($"Tổng cộng ({Basis(totals.Basis)})");
                for (var i = 0; i < 3; i++) csv.WriteField("");
                var figures = totals.Sections.SelectMany(s => s.Figures).ToDictionary(f => f.Indicator.Code);
                foreach (var i in template.Indicators) csv.WriteField(figures.GetValueOrDefault(i.Code)?.Total is { } t ? t.ToString(CultureInfo.InvariantCulture) : "");
                csv.NextRecord();
            }
        }
        return stream.ToArray();
    }

    /// <summary>
    /// The draft of the province's consolidated report: each section's consolidated table (approved, all submitted,
    /// previous period), then every unit's narrative for that section under the unit's name.
    /// </summary>
    public static byte[] Docx(ExportBasis basis, DateTimeOffset madeAt)
    {
        var (reports, approved) = (basis.Reports, basis.Approved);
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var body = new Body();
            body.Append(Paragraph("DỰ THẢO BÁO CÁO TỔNG HỢP", bold: true, size: 32, center: true));
            body.Append(Paragraph(reports.Period.Name, bold: true, size: 28, center: true));
            body.Append(Paragraph($"Tổng hợp từ {approved.Counted} báo cáo đã duyệt và {basis.Submitted.Counted} báo cáo đã nộp trên {approved.Expected} đơn vị phải nộp; lập lúc {Time(madeAt)}." +
                (approved.PreviousPeriod is { } p ? $" Kỳ trước: {p.Name}." : ""), italic: true));
            var figures = approved.Sections.ToDictionary(s => s.Section.Code);
            var all = basis.Submitted.Sections.SelectMany(s => s.Figures).ToDictionary(f => f.Indicator.Code);
            foreach (var section in reports.Template.Sections)
            {
                body.Append(Paragraph(section.Title, bold: true, size: 28));
                if (figures.TryGetValue(section.Code, out var table)) body.Append(FiguresTable(table, all), Paragraph(""));
                if (!section.Narrative) continue;
                var written = reports.Units.Where(u => u.Submitted && u.Latest?.Narratives.GetValueOrDefault(section.Code) is { Length: > 0 }).ToList();
                if (written.Count == 0) body.Append(Paragraph("(Chưa có đơn vị nào viết phần này.)", italic: true));
                foreach (var u in written)
                {
                    var mark = u.State == Workflow.ReportState.Approved ? "" : $" ({Workflow.WorkflowDefinition.Name(u.State)})";
                    body.Append(Paragraph(u.Unit.Name + mark, bold: true));
                    foreach (var line in u.Latest!.Narratives[section.Code].Split('\n')) body.Append(Paragraph(line.TrimEnd('\r')));
                }
            }
            body.Append(new SectionProperties(new PageSize { Width = 11906, Height = 16838 }, new PageMargin { Top = 1134, Bottom = 1134, Left = 1701, Right = 1134 }));
            document.AddMainDocumentPart().Document = new Document(body);
        }
        return stream.ToArray();
    }

    private static Table FiguresTable(SectionFigures section, IReadOnlyDictionary<string, IndicatorFigure> submitted)
    {
        var table = new Table(new TableProperties(
            new TableBorders(new TopBorder { Val = BorderValues.Single, Size = 4 }, new BottomBorder { Val = BorderValues.Single, Size = 4 },
                new LeftBorder { Val = BorderValues.Single, Size = 4 }, new RightBorder { Val = BorderValues.Single, Size = 4 },
                new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4 }, new InsideVerticalBorder { Val = BorderValues.Single, Size = 4 }),
            new TableWidth { Type = TableWidthUnitValues.Pct, Width = "5000" }));
        table.Append(TableRow(true, "Chỉ tiêu", "Đơn vị tính", "Đã duyệt", "Tất cả đã nộp", "Kỳ trước"));
        foreach (var f in section.Figures)
        {
            table.Append(TableRow(false, f.Indicator.Name, f.Indicator.Unit ?? "", Number(f.Total),
                Number(submitted.GetValueOrDefault(f.Indicator.Code)?.Total), Number(f.Previous)));
        }
        return table;
    }

    private static TableRow TableRow(bool head, params string[] cells) =>
        new(cells.Select(text => new TableCell(Paragraph(text, bold: head))));

    private static Paragraph Paragraph(string text, bool bold = false, bool italic = false, int size = 26, bool center = false)
    {
        var run = new RunProperties(new RunFonts { Ascii = "Times New Roman", HighAnsi = "Times New Roman", ComplexScript = "Times New Roman" }, new FontSize { Val = size.ToString(CultureInfo.InvariantCulture) });
        if (bold) run.Append(new Bold());
        if (italic) run.Append(new Italic());
        var paragraph = new Paragraph(new Run(run, new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        if (center) paragraph.PrependChild(new ParagraphProperties(new Justification { Val = JustificationValues.Center }));
        return paragraph;
    }

    private static Dictionary<string, object?> UnitColumns(UnitReport u) => new()
    {
        [UnitCodeHead] = u.Unit.Code,
        [UnitHead] = Neutralize(u.Unit.Name),
        [LevelHead] = Neutralize(u.Level.Name),
        [StateHead] = State(u.State),
        [VersionHead] = u.Versions.Count,
    };

    private static Dictionary<string, object?> TotalRow(TemplateSection section, Consolidation totals, string label)
    {
        var figures = totals.Sections.FirstOrDefault(s => s.Section.Code == section.Code)?.Figures.ToDictionary(f => f.Indicator.Code) ?? [];
        var row = new Dictionary<string, object?> { [UnitCodeHead] = "", [UnitHead] = label, [LevelHead] = "", [StateHead] = $"{totals.Counted} đơn vị", [VersionHead] = null };
        foreach (var i in section.IndicatorList) row[Header(i)] = figures.GetValueOrDefault(i.Code)?.Total;
        if (section.Narrative) row[NarrativeHead] = "";
        return row;
    }

    /// <summary>A text indicator's answer, which <see cref="Consolidation.Value"/> leaves out of the sums.</summary>
    private static JsonElement? TextValue(UnitReport u, Indicator i) =>
        i.Type == IndicatorType.Text && u.Latest?.Values.TryGetValue(i.Code, out var v) == true ? v : null;

    private static object? Cell(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.Number } v => v.GetDecimal(),
        { } v => Neutralize(ReportingText.Value(v)),
        null => null,
    };

    private static string Text(object? value) => value switch
    {
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        null => "",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static string Header(Indicator i) => i.Unit is { Length: > 0 } unit ? $"{i.Name} ({unit})" : i.Name;

    /// <summary>Excel's rules for sheet names: at most 31 characters, none of []:*?/\, and unique in the workbook.</summary>
    private static string SheetName(string title, IEnumerable<string> taken)
    {
        var clean = new string(title.Where(c => c is not ('[' or ']' or ':' or '*' or '?' or '/' or '\\' or '"')).ToArray()).Trim();
        var name = clean.Length > 31 ? clean[..31].TrimEnd() : clean;
        for (var n = 2; taken.Contains(name, StringComparer.OrdinalIgnoreCase); n++) name = $"{clean[..Math.Min(clean.Length, 27)]} ({n})";
        return name;
    }
}
