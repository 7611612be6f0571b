using System.Globalization;
using System.Text;
using Baocao.Catalog;
using static Baocao.Rendering.Page;
using static Baocao.Reporting.ReportingText;

namespace Baocao.Reporting;

/// <summary>The consolidated figures of a period: a table per section by level and in all, against the previous period, with a bar chart drawn on the server.</summary>
public static class FiguresPage
{
    public static IResult Render(Consolidation figures, Period period, IReadOnlyList<Period> periods)
    {
        var other = figures.Basis == FigureBasis.Approved ? FigureBasis.Submitted : FigureBasis.Approved;
        var previous = figures.PreviousPeriod is { } p ? $"So sánh với kỳ trước: {E(p.Name)}." : "Chưa có kỳ trước cùng loại để so sánh.";
        var levelHeads = string.Concat(figures.Levels.Select(l => $"<th class=\"num\">{E(l.Name)}</th>"));
        var sections = string.Concat(figures.Sections.Select(section => $"""
            <h2>{E(section.Section.Title)}</h2>
            {Chart(section, figures.PreviousPeriod is not null)}
            <div class="scroll"><table class="figures"><thead><tr><th>Chỉ tiêu</th><th>Cách tính</th>{levelHeads}<th class="num">Toàn tỉnh</th><th class="num">Kỳ trước</th><th class="num">Thay đổi</th></tr></thead><tbody>
            {string.Concat(section.Figures.Select(f => Row(f, figures.Levels)))}
            </tbody></table></div>
            """));
        return Html("Số liệu tổng hợp – " + period.Name, $"""
            {DashboardPages.PeriodNav(period.Id, periods)}
            <h1>Số liệu tổng hợp: {E(period.Name)}</h1>
            <p id="basis"><strong>Tính trên {E(Basis(figures.Basis))}</strong>: {figures.Counted}/{figures.Expected} đơn vị.
              <a href="{DashboardLinks.Figures(period.Id, other)}">Xem trên {E(Basis(other))}</a></p>
            <p class="muted">{previous} Số lượng được cộng dồn (kể cả các chỉ tiêu tổng); tỷ lệ là bình quân các đơn vị; câu hỏi có/không đếm số đơn vị trả lời «có».</p>
            <p class="actions"><a href="{DashboardLinks.Period(period.Id)}">Bảng theo dõi</a>{DashboardPages.ExportLinks(period.Id)}</p>
            {sections}
            """);
    }

    private static string Row(IndicatorFigure f, IReadOnlyList<OrgLevel> levels)
    {
        var unit = f.Indicator.Unit is { Length: > 0 } u ? $" <span class=\"muted\">({E(u)})</span>" : "";
        var byLevel = string.Concat(levels.Select(l => $"<td class=\"num\">{Number(f.ByLevel[l.Code])}</td>"));
        var change = f.Change is { } c ? (c > 0 ? "+" : "") + Number(c) : "—";
        return $"""
            <tr data-indicator="{E(f.Indicator.Code)}"><td>{E(f.Indicator.Name)}{unit}</td><td>{E(f.Aggregation)}</td>{byLevel}<td class="num total"><strong>{Number(f.Total)}</strong></td><td class="num">{Number(f.Previous)}</td><td class="num">{change}</td></tr>
            """;
    }

    /// <summary>
    /// Horizontal bars of the section's counts: this period dark, the previous light beneath it, on one scale.
    /// Percentages and yes/no counts are left to the table, where their scale is not that of the counts.
    /// </summary>
    private static string Chart(SectionFigures section, bool withPrevious)
    {
        var bars = section.Figures.Where(f => f.Indicator.Type is IndicatorType.Integer or IndicatorType.Decimal).ToList();
        var max = bars.SelectMany(f => new[] { f.Total ?? 0, f.Previous ?? 0 }).DefaultIfEmpty(0).Max();
        if (bars.Count == 0 || max <= 0) return "";
        const int width = 640, labelWidth = 260, barSpace = width - labelWidth - 60, rowHeight = 34;
        string X(decimal v) => (labelWidth + (double)(v / max) * barSpace).ToString("0.#", CultureInfo.InvariantCulture);
        var svg = new StringBuilder();
        for (var i = 0; i < bars.Count; i++)
        {
            var (f, y) = (bars[i], 8 + i * rowHeight);
            var label = f.Indicator.Name.Length > 40 ? f.Indicator.Name[..39] + "…" : f.Indicator.Name;
            var total = f.Total ?? 0;
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="0" y="{y + 13}" font-size="12">{E(label)}</text>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{labelWidth}" y="{y}" width="{(double)(total / max) * barSpace:0.#}" height="14" fill="#0b57d0"><title>{E(f.Indicator.Name)}: {Number(f.Total)}</title></rect>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{X(total)}" dx="4" y="{y + 12}" font-size="11">{Number(f.Total)}</text>""");
            if (withPrevious)
            {
                var before = f.Previous ?? 0;
                svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{labelWidth}" y="{y + 16}" width="{(double)(before / max) * barSpace:0.#}" height="8" fill="#a8c7fa"><title>Kỳ trước: {Number(f.Previous)}</title></rect>""");
            }
        }
        var height = 8 + bars.Count * rowHeight;
        var legend = withPrevious ? "Xanh đậm: kỳ này; xanh nhạt: kỳ trước." : "Kỳ này.";
        return $"""
            <figure><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" role="img" aria-label="Biểu đồ {E(section.Section.Title)}">{svg}</svg>
            <figcaption class="muted">{legend}</figcaption></figure>
            """;
    }
}
