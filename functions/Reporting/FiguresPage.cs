using System.Globalization;
using Baocao.Catalog;
using Baocao.Rendering;
using Fluid.Values;
using static Baocao.Reporting.ReportingText;

namespace Baocao.Reporting;

public sealed record FiguresModel(
    FluidValue Nav, FluidValue Exports, string Name, string GridHref, string Basis, int Counted, int Expected, string OtherHref, string OtherBasis,
    string? PreviousPeriod, IReadOnlyList<string> Levels, IReadOnlyList<FigureSectionModel> Sections);

public sealed record FigureSectionModel(string Title, ChartModel? Chart, IReadOnlyList<FigureRowModel> Rows);

/// <summary>One indicator's line, every figure written the Vietnamese way; <c>Rise</c> puts a plus before a positive change.</summary>
public sealed record FigureRowModel(
    string Code, string Name, string? Unit, string Aggregation, IReadOnlyList<string> ByLevel, string Total, string Previous, bool Rise, string Change);

/// <summary>A section's bar chart, measured here so the template only places it: each bar's top, its widths and where its figure goes.</summary>
public sealed record ChartModel(int Width, int Height, int LabelWidth, bool WithPrevious, IReadOnlyList<BarModel> Bars);

public sealed record BarModel(int Y, string Label, string Name, string Width, string ValueX, string Value, string PreviousWidth, string Previous);

/// <summary>The consolidated figures of a period: a table per section by level and in all, against the previous period, with a bar chart drawn on the server.</summary>
public static class FiguresPage
{
    public static IResult Render(Consolidation figures, Period period, IReadOnlyList<Period> periods)
    {
        var other = figures.Basis == FigureBasis.Approved ? FigureBasis.Submitted : FigureBasis.Approved;
        return Page.Html("Số liệu tổng hợp – " + period.Name, "Reporting/figures", new FiguresModel(
            DashboardPages.Nav(period.Id, periods), DashboardPages.Exports(period.Id), period.Name, DashboardLinks.Period(period.Id),
            Basis(figures.Basis), figures.Counted, figures.Expected, DashboardLinks.Figures(period.Id, other), Basis(other), figures.PreviousPeriod?.Name,
            figures.Levels.Select(l => l.Name).ToList(),
            figures.Sections.Select(s => new FigureSectionModel(s.Section.Title, Chart(s, figures.PreviousPeriod is not null),
                s.Figures.Select(f => Row(f, figures.Levels)).ToList())).ToList()));
    }

    private static FigureRowModel Row(IndicatorFigure f, IReadOnlyList<OrgLevel> levels) =>
        new(f.Indicator.Code, f.Indicator.Name, f.Indicator.Unit is { Length: > 0 } u ? u : null, f.Aggregation,
            levels.Select(l => Number(f.ByLevel[l.Code])).ToList(), Number(f.Total), Number(f.Previous), f.Change > 0, Number(f.Change));

    /// <summary>
    /// Horizontal bars of the section's counts: this period dark, the previous light beneath it, on one scale.
    /// Percentages and yes/no counts are left to the table, where their scale is not that of the counts.
    /// </summary>
    private static ChartModel? Chart(SectionFigures section, bool withPrevious)
    {
        var bars = section.Figures.Where(f => f.Indicator.Type is IndicatorType.Integer or IndicatorType.Decimal).ToList();
        var max = bars.SelectMany(f => new[] { f.Total ?? 0, f.Previous ?? 0 }).DefaultIfEmpty(0).Max();
        if (bars.Count == 0 || max <= 0) return null;
        const int width = 640, labelWidth = 260, barSpace = width - labelWidth - 60, rowHeight = 34;
        string Length(decimal v) => ((double)(v / max) * barSpace).ToString("0.#", CultureInfo.InvariantCulture);
        string X(decimal v) => (labelWidth + (double)(v / max) * barSpace).ToString("0.#", CultureInfo.InvariantCulture);
        return new ChartModel(width, 8 + bars.Count * rowHeight, labelWidth, withPrevious, bars.Select((f, i) => new BarModel(
            8 + i * rowHeight, f.Indicator.Name.Length > 40 ? f.Indicator.Name[..39] + "…" : f.Indicator.Name, f.Indicator.Name,
            Length(f.Total ?? 0), X(f.Total ?? 0), Number(f.Total), Length(f.Previous ?? 0), Number(f.Previous))).ToList());
    }
}
