using System.Net;
using System.Text;
using Baocao.Reporting;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using MiniExcelLibs;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Reporting;

/// <summary>The dashboard, the consolidated figures and the exports over the demo period with reports in every state.</summary>
public sealed class DashboardReportTests(DemoApp app) : IClassFixture<DemoApp>, IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Approved: Đông Sơn 126 and the Front 50 models; all submitted adds 40, 90, 110, 30 and 20.</summary>
    private const int ApprovedModels = 176, SubmittedModels = 466;

    public ValueTask InitializeAsync() => new(DemoReports.ArrangeAsync(app));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The grid's columns the tests read, headed as the page heads them.</summary>
    private const string Timeliness = "Đúng hạn", Submitted = "Nộp lúc", Holder = "Đang xử lý";

    private static string Cell(HtmlPage page, string unit, string column) => HtmlPage.Shown(HtmlPage.Cell(page.RowOf(unit), column));

    /// <summary>A cell's main line and, beneath it, its muted line.</summary>
    private static IReadOnlyList<string> Stacked(HtmlPage page, string unit, string column)
    {
        var cell = HtmlPage.Cell(page.RowOf(unit), column);
        Assert.Equal(HtmlPage.Lines(cell)[^1], HtmlPage.Shown(Assert.Single(cell.QuerySelectorAll("span.muted"))));
        return HtmlPage.Lines(cell);
    }

    /// <summary>What the consolidated table shows for an indicator in a column.</summary>
    private static string Figure(HtmlPage page, string indicator, string column) =>
        HtmlPage.Shown(HtmlPage.Cell(page.Single($"tr[data-indicator=\"{indicator}\"]"), column));

    /// <summary>The province's total of an indicator, which the table sets in bold.</summary>
    private static string BoldTotal(HtmlPage page, string indicator) =>
        HtmlPage.Shown(Assert.Single(HtmlPage.Cell(page.Single($"tr[data-indicator=\"{indicator}\"]"), "Toàn tỉnh").QuerySelectorAll("strong")));

    [Fact]
    public async Task The_period_read_is_every_instance_of_that_period_with_its_versions_and_no_other_period()
    {
        var engine = app.Factory.Services.GetRequiredService<WorkflowEngine>();

        var light = await engine.PeriodInstancesAsync("2026-H1", withContent: false, Ct);
        var full = await engine.PeriodInstancesAsync("2026-H1", withContent: true, Ct);

        // Opening the period fanned out one instance per unit in scope, whether it has reported or not.
        var catalog = app.Factory.Services.GetRequiredService<Baocao.Catalog.CatalogService>();
        var inScope = Baocao.Catalog.CatalogService.UnitsInScope((await catalog.GetPeriodAsync("2026-H1", Ct))!, await catalog.GetUnitsAsync(Ct));
        Assert.Equal(inScope.Select(u => u.Code).Order(), light.Select(i => i.Instance.UnitCode).Order());
        Assert.Superset(DemoReports.Expected.Select(e => e.Unit).Append(DemoReports.Exempted).ToHashSet(), light.Select(i => i.Instance.UnitCode).ToHashSet());
        Assert.All(light, i => Assert.Equal("2026-H1", i.Instance.PeriodId));
        var kimThanh = light.Single(i => i.Instance.UnitCode == "HU-KIMTHANH");
        Assert.Equal([1, 2], kimThanh.Versions.Select(v => v.Number));
        Assert.All(light.SelectMany(i => i.Versions), v => Assert.Equal("", v.Body));
        Assert.Contains("\"DVK_TONG\":110", full.Single(i => i.Instance.UnitCode == "HU-KIMTHANH").Versions[^1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_grid_shows_each_unit_in_its_state_with_the_DHIS2_rates()
    {
        using var browser = await Staff.SignedInAsync(app);
        var page = HtmlPage.Parse(await browser.GetStringAsync("/api/dashboard/2026-H1", Ct));

        // 14 units in scope, one exempted; 7 submitted, of which 6 before the deadline.
        Assert.Equal("13", page.TextOf("strong#expected"));
        Assert.Equal(("7", "54%"), (page.TextOf("strong#actual"), page.TextOf("span#completeness")));
        Assert.Contains("7 (54%)", HtmlPage.Shown(page.Single("#actual").ParentElement!));
        Assert.Equal(("6", "46%"), (page.TextOf("strong#on-time"), page.TextOf("span#timeliness")));
        Assert.Contains("6 (46%)", HtmlPage.Shown(page.Single("#on-time").ParentElement!));
        foreach (var (unit, _, state) in DemoReports.Expected) Assert.Equal(state.Code(), page.RowOf(unit).GetAttribute("data-state"));
        Assert.Equal("exempted", page.RowOf(DemoReports.Exempted).GetAttribute("data-state"));
        Assert.Equal("Muộn 1 ngày", Cell(page, DemoReports.LateUnit, Timeliness));
        Assert.Equal("Đúng hạn", Cell(page, "HU-DONGSON", Timeliness));
        Assert.Equal("Quá hạn 1 ngày", Cell(page, "TINHDOAN", Timeliness));
        Assert.Equal("2", HtmlPage.Shown(Assert.Single(page.RowOf("HU-KIMTHANH").QuerySelectorAll("td.num"))));
        Assert.Equal(["09:00 24/11/2026", "mới nhất 11:00 24/11/2026"], Stacked(page, "HU-KIMTHANH", Submitted));
        Assert.Equal(["Lãnh đạo Ban phê duyệt", "Trần Văn Dũng"], Stacked(page, "DUQS", Holder));
        Assert.Equal(["Chuyên viên thẩm định", "Nguyễn Thị Thu Hà"], Stacked(page, "HU-PHULOC", Holder));
        Assert.Equal(["Đơn vị sửa và nộp lại", "Quách Văn Hải"], Stacked(page, "HCCB", Holder));
        Assert.Equal("—", Cell(page, "HU-DONGSON", Holder));
        Assert.Contains("/api/dashboard/2025-H2", page.Links);
        Assert.Contains("/api/periods/2026-H1/export.xlsx", page.Links);
    }

    [Theory]
    [InlineData("?level=HUYEN&state=submitted", new[] { "HU-KIMTHANH" })]
    [InlineData("?state=Approved", new[] { "HU-DONGSON", "MTTQ" })]
    [InlineData("?state=approved&level=LLVT", new string[0])]
    [InlineData("?level=LLVT", new[] { "DUBDBP", "DUCA", "DUQS" })]
    public async Task Filters_by_level_and_state_show_only_matching_units_and_keep_the_rates_of_the_period(string query, string[] units)
    {
        using var browser = await Staff.SignedInAsync(app);
        var page = HtmlPage.Parse(await browser.GetStringAsync("/api/dashboard/2026-H1" + query, Ct));

        Assert.Equal(units.Order(), page.Units.Order());
        Assert.Equal("7", page.TextOf("strong#actual"));
        if (units.Length == 0) Assert.Contains("Không có đơn vị nào khớp bộ lọc", page.Text);
    }

    [Fact]
    public async Task Consolidated_figures_add_up_approved_reports_by_level_and_compare_with_the_previous_half_year()
    {
        using var browser = await Staff.SignedInAsync(app);
        var approved = HtmlPage.Parse(await browser.GetStringAsync("/api/dashboard/2026-H1/figures", Ct));
        var submitted = HtmlPage.Parse(await browser.GetStringAsync("/api/dashboard/2026-H1/figures?basis=Submitted", Ct));

        Assert.Equal("Tính trên báo cáo đã duyệt", approved.TextOf("#basis strong"));
        Assert.StartsWith("Tính trên báo cáo đã duyệt: 2/13 đơn vị.", approved.TextOf("#basis"));
        Assert.Equal($"{ApprovedModels}", BoldTotal(approved, "DVK_TONG"));
        Assert.Equal(($"{DemoReports.PreviousModels}", "+76"), (Figure(approved, "DVK_TONG", "Kỳ trước"), Figure(approved, "DVK_TONG", "Thay đổi")));
        Assert.Equal(("126", "—", "50"), (Figure(approved, "DVK_TONG", "Ban Dân vận huyện ủy, thị ủy, thành ủy"),
            Figure(approved, "DVK_TONG", "Đảng ủy lực lượng vũ trang"), Figure(approved, "DVK_TONG", "Mặt trận Tổ quốc")));
        Assert.Equal("14", BoldTotal(approved, "KT_TONG")); // derived: (1 + 6) × 2
        Assert.Contains("So sánh với kỳ trước: Báo cáo 6 tháng cuối năm 2025", approved.Text);
        Assert.Contains("Kỳ trước: 100", approved.All("svg rect > title").Select(HtmlPage.Shown)); // the chart's light bar

        Assert.Equal("Tính trên tất cả báo cáo đã nộp (kể cả chưa duyệt)", submitted.TextOf("#basis strong"));
        Assert.StartsWith("Tính trên tất cả báo cáo đã nộp (kể cả chưa duyệt): 7/13 đơn vị.", submitted.TextOf("#basis"));
        Assert.Equal($"{SubmittedModels}", BoldTotal(submitted, "DVK_TONG"));
        Assert.Equal("49", BoldTotal(submitted, "KT_TONG"));
    }

    [Fact]
    public async Task The_unit_page_shows_sections_files_comments_history_and_what_changed_between_versions()
    {
        using var browser = await Staff.SignedInAsync(app);
        var response = await browser.GetAsync("/api/dashboard/2026-H1/units/HU-KIMTHANH", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = HtmlPage.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal("Ban Dân vận Huyện ủy Kim Thành", page.TextOf("h1"));
        Assert.Contains("II. Phong trào thi đua \"Dân vận khéo\"", page.All("h2").Select(HtmlPage.Shown));
        Assert.Equal("Tình hình ổn định; đã bổ sung mô hình cấp cơ sở.", page.TextOf("p.narrative[data-section=TINH-HINH]"));
        // What changed: the old value struck out, the new one inserted.
        var change = Assert.Single(page.All(".diff li"), li => HtmlPage.Shown(li) == "Tổng số mô hình \"Dân vận khéo\": 100 → 110");
        Assert.Equal(("100", "110"), (HtmlPage.Shown(Assert.Single(change.QuerySelectorAll("del"))), HtmlPage.Shown(Assert.Single(change.QuerySelectorAll("ins")))));
        Assert.Contains("Tình hình ổn định.", page.All(".diff del").Select(HtmlPage.Shown));
        Assert.Contains(DemoReports.ReturnComment, page.Text);
        Assert.Contains("trả lại (phiên bản 1)", page.Text);
        const string link = "/api/dashboard/2026-H1/units/HU-KIMTHANH/versions/2/attachments/1";
        Assert.Contains(link, page.Links);
        Assert.Equal(Submitter.Pdf(2000), await browser.GetByteArrayAsync(link, Ct));

        var first = HtmlPage.Parse(await browser.GetStringAsync("/api/dashboard/2026-H1/units/HU-KIMTHANH?version=1", Ct));
        Assert.Contains("Phiên bản 1, nhận lúc", first.Text);
        Assert.Equal("Tình hình ổn định.", first.TextOf("p.narrative[data-section=TINH-HINH]"));
    }

    [Fact]
    public async Task Text_a_unit_wrote_is_shown_as_text_on_the_pages()
    {
        using var browser = await Staff.SignedInAsync(app);
        var page = HtmlPage.Parse(await browser.GetStringAsync("/api/dashboard/2026-H1/units/MTTQ", Ct));
        // Shown as the unit typed it, a paragraph of text: no link made of it, nothing put before it as in the exports.
        var narrative = page.Single("p.narrative[data-section=TINH-HINH]");
        Assert.Equal(DemoReports.FormulaNarrative, narrative.TextContent);
        Assert.Empty(narrative.Children);
        Assert.DoesNotContain(page.Links, l => l.Contains("tan-cong.example", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_xlsx_export_has_a_sheet_per_section_a_row_per_unit_totals_rows_and_number_formats()
    {
        var response = await app.Admin().GetAsync("/api/periods/2026-H1/export.xlsx", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(DashboardApi.XlsxType, response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        using var stream = new MemoryStream(bytes);

        var sheets = stream.GetSheetNames();
        Assert.Equal(8, sheets.Count);
        Assert.Equal("I. Tình hình chung", sheets[0]);
        Assert.Equal("II. Phong trào thi đua Dân vận", sheets[1]);
        var models = stream.Query(useHeaderRow: true, sheetName: sheets[1]).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(14 + 2, models.Count);
        const string head = "Tổng số mô hình \"Dân vận khéo\" (mô hình)";
        Assert.Equal(126.0, models.Single(r => (string?)r["Mã đơn vị"] == "HU-DONGSON")[head]);
        Assert.Equal("Đã duyệt", models.Single(r => (string?)r["Mã đơn vị"] == "HU-DONGSON")["Trạng thái"]);
        Assert.Null(models.Single(r => (string?)r["Mã đơn vị"] == "TINHDOAN")[head]);
        Assert.Equal((double)ApprovedModels, models[^2][head]);
        Assert.Equal("Tổng cộng (báo cáo đã duyệt)", models[^2]["Đơn vị"]);
        Assert.Equal((double)SubmittedModels, models[^1][head]);

        var situation = stream.Query(useHeaderRow: true, sheetName: sheets[0]).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal("'" + DemoReports.FormulaNarrative, situation.Single(r => (string?)r["Mã đơn vị"] == "MTTQ")["Thuyết minh"]);

        // The count's cells carry a thousands format, not General.
        using var workbook = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var part = workbook.WorkbookPart!;
        var sheet = part.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == sheets[1]);
        var cell = ((WorksheetPart)part.GetPartById(sheet.Id!)).Worksheet.Descendants<Cell>().First(c => c.CellValue?.Text == "126");
        var format = (CellFormat)part.WorkbookStylesPart!.Stylesheet.CellFormats!.ElementAt((int)cell.StyleIndex!.Value);
        Assert.Equal("#,##0", part.WorkbookStylesPart.Stylesheet.NumberingFormats!.Elements<NumberingFormat>().Single(f => f.NumberFormatId!.Value == format.NumberFormatId!.Value).FormatCode!.Value);
    }

    [Fact]
    public async Task The_csv_export_is_utf8_with_a_byte_order_mark_and_neutralizes_formulas()
    {
        var bytes = await (await app.Admin().GetAsync("/api/periods/2026-H1/export.csv", Ct)).Content.ReadAsByteArrayAsync(Ct);

        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Mã đơn vị,Đơn vị,Cấp,Trạng thái,Phiên bản,\"Tổng số mô hình \"\"Dân vận khéo\"\" (mô hình)\"", lines[0]);
        Assert.Equal(1 + 14 + 2, lines.Length);
        Assert.StartsWith("HU-DONGSON,Ban Dân vận Huyện ủy Đông Sơn,", lines.Single(l => l.StartsWith("HU-DONGSON,", StringComparison.Ordinal)));
        Assert.Contains(",126,", lines.Single(l => l.StartsWith("HU-DONGSON,", StringComparison.Ordinal)));
        Assert.Contains("\"'=HYPERLINK(\"\"http://tan-cong.example\"\",\"\"Bấm vào\"\")\"", lines.Single(l => l.StartsWith("MTTQ,", StringComparison.Ordinal)));
        Assert.StartsWith($",Tổng cộng (báo cáo đã duyệt),,,,{ApprovedModels},", lines[^2]);
        Assert.StartsWith($",Tổng cộng (tất cả báo cáo đã nộp (kể cả chưa duyệt)),,,,{SubmittedModels},", lines[^1]);
    }

    [Fact]
    public async Task The_docx_draft_puts_every_units_narrative_under_its_section_after_the_consolidated_table()
    {
        var response = await app.Admin().GetAsync("/api/periods/2026-H1/export.docx", Ct);
        Assert.Equal(DashboardApi.DocxType, response.Content.Headers.ContentType?.MediaType);
        using var document = WordprocessingDocument.Open(new MemoryStream(await response.Content.ReadAsByteArrayAsync(Ct)), false);
        var body = document.MainDocumentPart!.Document.Body!;
        var paragraphs = body.Elements<DocumentFormat.OpenXml.Wordprocessing.Paragraph>().Select(p => p.InnerText).ToList();

        Assert.Contains("DỰ THẢO BÁO CÁO TỔNG HỢP", paragraphs);
        var situation = paragraphs.IndexOf("I. Tình hình chung");
        var models = paragraphs.IndexOf("II. Phong trào thi đua \"Dân vận khéo\"");
        Assert.True(situation >= 0 && models > situation);
        var underSituation = paragraphs[situation..models];
        Assert.Contains("Ban Dân vận Huyện ủy Kim Thành (đã nộp)", underSituation);
        Assert.Contains("Tình hình ổn định; đã bổ sung mô hình cấp cơ sở.", underSituation);
        Assert.Contains("Ủy ban MTTQ Việt Nam tỉnh", underSituation);
        Assert.DoesNotContain(underSituation, p => p.StartsWith("Hội Nông dân", StringComparison.Ordinal));

        var table = body.Elements<DocumentFormat.OpenXml.Wordprocessing.Table>().First();
        var row = table.Elements<DocumentFormat.OpenXml.Wordprocessing.TableRow>().Single(r => r.InnerText.StartsWith("Tổng số mô hình", StringComparison.Ordinal));
        Assert.Equal(["Tổng số mô hình \"Dân vận khéo\"", "mô hình", $"{ApprovedModels}", $"{SubmittedModels}", $"{DemoReports.PreviousModels}"],
            row.Elements<DocumentFormat.OpenXml.Wordprocessing.TableCell>().Select(c => c.InnerText));
    }

    [Fact]
    public async Task Exports_and_pages_are_refused_without_the_admin_key_or_the_staff_cookie()
    {
        var unit = await Submitter.ForAsync(app, "HU-DONGSON");
        foreach (var extension in new[] { "xlsx", "csv", "docx" })
        {
            var path = $"/api/periods/2026-H1/export.{extension}";
            await (await app.Anonymous().GetAsync(path, Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
            await (await unit.Client.GetAsync(path, Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
            await (await Submitter.WithKey(app, "sai-khoa-quan-tri-roi").GetAsync(path, Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        }
        foreach (var path in new[] { "/api/dashboard/2026-H1", "/api/dashboard/2026-H1/figures", "/api/dashboard/2026-H1/units/HU-DONGSON",
                     "/api/dashboard/2026-H1/units/HU-DONGSON/versions/1/attachments/1" })
        {
            var response = await unit.Client.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/api/dashboard/sign-in", response.Headers.Location!.PathAndQuery);
        }

        using var browser = await Staff.SignedInAsync(app);
        var download = await browser.GetAsync("/api/periods/2026-H1/export.csv", Ct);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Contains("Tổng hợp 2026-H1.csv", Uri.UnescapeDataString(download.Content.Headers.ContentDisposition!.FileNameStar!));
    }
}

/// <summary>Neutralizing what a spreadsheet would run, without storage.</summary>
public sealed class FormulaNeutralizationTests
{
    [Theory]
    [InlineData("=1+2", "'=1+2")]
    [InlineData("+84 912 345 601", "'+84 912 345 601")]
    [InlineData("-5", "'-5")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("Tình hình ổn định", "Tình hình ổn định")]
    [InlineData("", "")]
    public void Text_that_a_spreadsheet_would_run_is_kept_as_text(string text, string expected) =>
        Assert.Equal(expected, ReportingText.Neutralize(text));
}
