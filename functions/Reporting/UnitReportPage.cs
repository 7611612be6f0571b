using System.Text.Json;
using Baocao.Catalog;
using Baocao.Rendering;
using Baocao.Submissions;
using Baocao.Workflow;
using static Baocao.Reporting.ReportingText;

namespace Baocao.Reporting;

/// <summary>A figure or narrative that differs between two versions: what it was and what it became.</summary>
public sealed record ChangeModel(string Label, string? Old, string? New);

/// <summary>The unit's report as its template lays it out; <c>Versions</c> lists the versions to move between, when there are several.</summary>
public sealed record UnitReportModel(
    string PeriodHref, string PeriodName, string UnitName, string State, string Deadline, bool Late, IReadOnlyList<VersionLinkModel> Versions,
    ShownVersionModel? Shown, IReadOnlyList<VersionDiffModel> Diffs, IReadOnlyList<EventModel> Comments, IReadOnlyList<EventModel> History);

/// <summary>A version to switch to, or (without a link) the one shown.</summary>
public sealed record VersionLinkModel(int Number, string? Href);

public sealed record ShownVersionModel(
    int Number, string ReceivedAt, bool Late, string Receipt, IReadOnlyList<UnitSectionModel> Sections, string? Note, IReadOnlyList<UnitFileModel> Files);

/// <summary>A section's figures and narrative; <c>AsksNarrative</c> says a missing narrative is worth saying so.</summary>
public sealed record UnitSectionModel(string Code, string Title, IReadOnlyList<FigureLineModel> Figures, string? Narrative, bool AsksNarrative);

public sealed record FigureLineModel(string Code, string Name, string Value, string? Unit);

public sealed record UnitFileModel(string Href, string Name, string Size);

public sealed record VersionDiffModel(int From, int To, IReadOnlyList<ChangeModel> Changes);

public sealed record EventModel(string At, string Actor, string What, int Version, string From, string To, string? Comment);

/// <summary>
/// One unit's report for the province: the chosen version (the latest unless asked) section by section with its
/// figures, narrative and files; the changes from each version to the next; the history and the reviewers' comments.
/// </summary>
public static class UnitReportPage
{
    public static IResult Render(ReportView report, ReportTemplate template, OrgUnit unit, int? versionNumber)
    {
        var version = report.Versions.FirstOrDefault(v => v.Version == versionNumber) ?? report.Versions.LastOrDefault();
        var versions = report.Versions.Count < 2 ? [] : report.Versions.Select(v => new VersionLinkModel(v.Version,
            v.Version == version?.Version ? null : $"{DashboardLinks.Unit(report.PeriodId, unit.Code)}?version={v.Version}")).ToList();
        var diffs = report.Versions.Zip(report.Versions.Skip(1)).Reverse()
            .Select(pair => new VersionDiffModel(pair.First.Version, pair.Second.Version, Changes(template, pair.First, pair.Second))).ToList();
        return Page.Html($"{unit.Name} – {report.PeriodName}", "Reporting/unit-report", new UnitReportModel(
            DashboardLinks.Period(report.PeriodId), report.PeriodName, unit.Name, State(report.State), Time(report.Deadline), report.Late, versions,
            version is null ? null : Shown(report.PeriodId, unit.Code, template, version), diffs,
            report.Comments.Select(Event).ToList(), report.History.Select(Event).ToList()));
    }

    private static ShownVersionModel Shown(string periodId, string unitCode, ReportTemplate template, VersionView version) =>
        new(version.Version, Time(version.ReceivedAt), version.Late, version.Receipt[..12],
            template.Sections.Select(s => new UnitSectionModel(s.Code, s.Title,
                s.IndicatorList.Select(i => new FigureLineModel(i.Code, i.Name, version.Values.TryGetValue(i.Code, out var v) ? Value(v) : "—", i.Unit)).ToList(),
                version.Narratives.TryGetValue(s.Code, out var text) && text.Length > 0 ? text : null, s.Narrative)).ToList(),
            version.Note is { Length: > 0 } note ? note : null,
            version.Attachments.Select(a => new UnitFileModel(DashboardLinks.Attachment(periodId, unitCode, version.Version, a.Number), a.FileName,
                $"{a.Size / 1024.0:0.#} KB")).ToList());

    private static EventModel Event(HistoryEntry e) =>
        new(Time(e.At), e.Actor, WorkflowDefinition.Verb(e.Event), e.Version, WorkflowDefinition.Name(e.From), WorkflowDefinition.Name(e.To), e.Comment);

    /// <summary>Figures and narratives in the template's order whose text differs between the two versions.</summary>
    public static IReadOnlyList<ChangeModel> Changes(ReportTemplate template, VersionView before, VersionView after)
    {
        static string? Text(IReadOnlyDictionary<string, JsonElement> values, string code) => values.TryGetValue(code, out var v) ? Value(v) : null;
        var figures = template.Indicators
            .Select(i => new ChangeModel(i.Name, Text(before.Values, i.Code), Text(after.Values, i.Code)));
        var narratives = template.Sections
            .Select(s => new ChangeModel("Thuyết minh " + s.Title, before.Narratives.GetValueOrDefault(s.Code), after.Narratives.GetValueOrDefault(s.Code)));
        return figures.Concat(narratives).Append(new ChangeModel("Ghi chú", before.Note, after.Note)).Where(c => c.Old != c.New).ToList();
    }
}
