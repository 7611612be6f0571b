using System.Text.Json;
using Baocao.Catalog;

namespace Baocao.Reporting;

/// <summary>
/// One indicator added up over the reports counted: in all and by level, with the previous period's figure when that
/// period had the same indicator. Counts and amounts are summed (derived totals too), percentages averaged over the
/// units that gave one, and yes/no answers counted as the number of units answering yes.
/// </summary>
public sealed record IndicatorFigure(Indicator Indicator, decimal? Total, IReadOnlyDictionary<string, decimal?> ByLevel, int Reporting, decimal? Previous)
{
    public string Aggregation => Consolidation.AggregationName(Indicator.Type);

    /// <summary>The change from the previous period, when both are known.</summary>
    public decimal? Change => Total is { } now && Previous is { } before ? now - before : null;
}

public sealed record SectionFigures(TemplateSection Section, IReadOnlyList<IndicatorFigure> Figures);

/// <summary>The consolidated figures of a period over the approved (or all submitted) reports, section by section.</summary>
public sealed record Consolidation(FigureBasis Basis, int Counted, int Expected, IReadOnlyList<OrgLevel> Levels, IReadOnlyList<SectionFigures> Sections, Period? PreviousPeriod)
{
    public static Consolidation Build(PeriodReports reports, FigureBasis basis, PeriodReports? previous)
    {
        var counted = reports.Units.Where(u => u.Counts(basis)).ToList();
        var before = previous?.Units.Where(u => u.Counts(basis)).ToList() ?? [];
        var sections = reports.Template.Sections
            .Where(s => s.IndicatorList.Any(Aggregates))
            .Select(s => new SectionFigures(s, s.IndicatorList.Where(Aggregates).Select(indicator => new IndicatorFigure(
                indicator,
                Aggregate(indicator, counted),
                reports.Levels.ToDictionary(l => l.Code, l => Aggregate(indicator, counted.Where(u => u.Level.Code == l.Code))),
                counted.Count(u => Value(u, indicator.Code) is not null),
                previous is null ? null : Aggregate(indicator, before))).ToList()))
            .ToList();
        return new Consolidation(basis, counted.Count, reports.Units.Count(u => u.State != Workflow.ReportState.Exempted), reports.Levels, sections, previous?.Period);
    }

    /// <summary>Text indicators are read, not added up.</summary>
    public static bool Aggregates(Indicator indicator) => indicator.Type != IndicatorType.Text;

    public static string AggregationName(IndicatorType type) => type switch
    {
        IndicatorType.Percentage => "bình quân",
        IndicatorType.YesNo => "số đơn vị có",
        _ => "tổng",
    };

    /// <summary>The consolidated value of one indicator over some reports; null when none of them gave it.</summary>
    public static decimal? Aggregate(Indicator indicator, IEnumerable<UnitReport> units)
    {
        var values = units.Select(u => Value(u, indicator.Code)).OfType<JsonElement>().ToList();
        if (values.Count == 0) return null;
        return indicator.Type switch
        {
            IndicatorType.YesNo => values.Count(v => v.ValueKind == JsonValueKind.True),
            IndicatorType.Percentage => Math.Round(values.Average(v => v.GetDecimal()), 1),
            _ => values.Sum(v => v.GetDecimal()),
        };
    }

    public static JsonElement? Value(UnitReport unit, string code) =>
        unit.Latest?.Values.TryGetValue(code, out var value) == true && value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
            ? value
            : null;
}
