using System.Globalization;
using Baocao.Catalog;
using Baocao.Submissions;
using Baocao.Workflow;

namespace Baocao.Reporting;

/// <summary>
/// One unit in scope of a period: its level, where its report stands (its state, and in review the position of the
/// stage deciding it), its versions and, when read, its latest content.
/// </summary>
public sealed record UnitReport(OrgUnit Unit, OrgLevel Level, ReportState State, IReadOnlyList<ReportVersion> Versions, VersionContent? Latest, int Stage = 0)
{
    /// <summary>Submitted in the DHIS2 sense: anything beyond not started, and not exempted.</summary>
    public bool Submitted => State is not (ReportState.NotStarted or ReportState.Exempted);

    public bool Counts(FigureBasis basis) => basis == FigureBasis.Approved ? State == ReportState.Approved : Submitted && Latest is not null;
}

/// <summary>Which reports consolidated figures add up: the approved ones, or every submitted one (marked as such).</summary>
public enum FigureBasis
{
    Approved,
    Submitted,
}

/// <summary>A period as the province reads it: its template, its levels, and every unit in scope with its report, level by level.</summary>
public sealed record PeriodReports(Period Period, ReportTemplate Template, IReadOnlyList<OrgLevel> Levels, IReadOnlyList<UnitReport> Units)
{
    private static readonly StringComparer Vietnamese = StringComparer.Create(new CultureInfo("vi-VN"), false);

    public static PeriodReports Build(Period period, ReportTemplate template, IReadOnlyList<OrgLevel> levels, IReadOnlyList<OrgUnit> inScope,
        IReadOnlyList<PeriodInstance> instances)
    {
        var byUnit = instances.ToDictionary(i => i.Instance.UnitCode);
        var levelOf = levels.ToDictionary(l => l.Code);
        var units = inScope
            .Select(u => (Unit: u, Level: levelOf.GetValueOrDefault(u.Level) ?? new OrgLevel(u.Level, u.Level, int.MaxValue)))
            .OrderBy(u => u.Level.Order).ThenBy(u => u.Level.Code, StringComparer.Ordinal).ThenBy(u => u.Unit.Name, Vietnamese)
            .Select(u =>
            {
                var found = byUnit.GetValueOrDefault(u.Unit.Code);
                var latest = found?.Versions.LastOrDefault() is { Body.Length: > 0 } version ? VersionContent.Read(version) : null;
                return new UnitReport(u.Unit, u.Level, found?.Instance.State ?? ReportState.NotStarted, found?.Versions ?? [], latest, found?.Instance.Stage ?? 0);
            })
            .ToList();
        return new PeriodReports(period, template, units.Select(u => u.Level).DistinctBy(l => l.Code).ToList(), units);
    }
}

/// <summary>
/// Reads a period for the dashboard and the exports: the catalogue once, and every report of the period in one range
/// query over its instance partitions; never a query per unit.
/// </summary>
public sealed class ReportingService(CatalogService catalog, WorkflowEngine engine)
{
    public async Task<PeriodReports?> ReadAsync(string periodId, bool withContent, CancellationToken cancellationToken)
    {
        var period = await catalog.GetPeriodAsync(periodId, cancellationToken);
        return period is null ? null : await ReadAsync(period, withContent, cancellationToken);
    }

    /// <summary>The period of the same type whose deadline comes last before this one's, read with content; null if none.</summary>
    public async Task<PeriodReports?> PreviousAsync(Period period, CancellationToken cancellationToken)
    {
        var previous = (await catalog.ListPeriodsAsync(null, cancellationToken))
            .Where(p => p.Type == period.Type && p.Deadline < period.Deadline && p.Status != PeriodStatus.Planned)
            .MaxBy(p => p.Deadline);
        return previous is null ? null : await ReadAsync(previous, withContent: true, cancellationToken);
    }

    public Task<IReadOnlyList<Period>> PeriodsAsync(CancellationToken cancellationToken) => catalog.ListPeriodsAsync(null, cancellationToken);

    private async Task<PeriodReports?> ReadAsync(Period period, bool withContent, CancellationToken cancellationToken)
    {
        var template = await catalog.GetTemplateAsync(period.TemplateCode, period.TemplateVersion, cancellationToken);
        if (template is null) return null;
        var units = CatalogService.UnitsInScope(period, await catalog.GetUnitsAsync(cancellationToken));
        var instances = await engine.PeriodInstancesAsync(period.Id, withContent, cancellationToken);
        return PeriodReports.Build(period, template, await catalog.GetLevelsAsync(cancellationToken), units, instances);
    }
}
