using System.Globalization;
using System.Text.Json;
using Baocao.Catalog;
using Baocao.Hosting;
using Baocao.Submissions;
using Baocao.Workflow;

namespace Baocao.Review;

/// <summary>One figure as mail and pages show it, with its value in the previous version when it changed.</summary>
public sealed record FigureModel(string Code, string Name, string Value, string? Before, bool Changed);

/// <summary>A section of the report: its title, the unit's narrative and its figures.</summary>
public sealed record SectionModel(string Title, string? Narrative, IReadOnlyList<FigureModel> Figures);

public sealed record FileModel(string Name, string Size, string Sha256, string Href);

public sealed record HistoryModel(string At, string Actor, string What, string? Comment, int Version);

public sealed record ReasonModel(string Code, string Name);

/// <summary>
/// What one report version says, ready for a template: unit, period, version, on time or late, the figures by section,
/// what changed since the previous version, the note and the files.
/// </summary>
public sealed record ReportModel(
    string UnitName,
    string PeriodName,
    int Version,
    bool Late,
    string ReceivedAt,
    string Deadline,
    string Receipt,
    IReadOnlyList<SectionModel> Sections,
    IReadOnlyList<FigureModel> KeyFigures,
    int? PreviousVersion,
    IReadOnlyList<FigureModel> Changes,
    string? Note,
    IReadOnlyList<FileModel> Files);

/// <summary>The facts a report model is made of, before any template sees them.</summary>
public sealed record ReportFacts(
    Period Period,
    ReportTemplate Template,
    OrgUnit Unit,
    int Version,
    DateTimeOffset ReceivedAt,
    bool Late,
    string Receipt,
    VersionContent Report,
    int? PreviousVersion,
    VersionContent? Previous)
{
    /// <summary>The figures a reviewer looks at first: every required numeric indicator, and totals.</summary>
    private static bool IsKey(Indicator i) => i.IsNumeric && (i.Required || i.IsDerived);

    public ReportModel Model(PeopleTime time, Func<int, string> fileHref)
    {
        var sections = Template.Sections.Select(s => new SectionModel(s.Title, Report.Narratives.GetValueOrDefault(s.Code),
            s.IndicatorList.Where(i => Report.Values.ContainsKey(i.Code)).Select(Figure).ToList())).ToList();
        var figures = sections.SelectMany(s => s.Figures).ToList();
        var key = Template.Indicators.Where(IsKey).Select(i => i.Code).ToHashSet();
        return new ReportModel(Unit.Name, Period.Name, Version, Late, time.Describe(ReceivedAt), time.Describe(Period.Deadline), Receipt,
            sections, figures.Where(f => key.Contains(f.Code)).ToList(), PreviousVersion, Previous is null ? [] : figures.Where(f => f.Changed).ToList(),
            Report.Note,
            Report.Attachments.Select((a, i) => new FileModel(a.FileName, Size(a.Size), a.Sha256, fileHref(i + 1))).ToList());
    }

    private FigureModel Figure(Indicator indicator)
    {
        var value = Format(indicator, Report.Values[indicator.Code]);
        string? before = null;
        if (Previous is not null)
        {
            before = Previous.Values.TryGetValue(indicator.Code, out var old) ? Format(indicator, old) : "—";
        }
        return new FigureModel(indicator.Code, indicator.Name, value, before, before is not null && before != value);
    }

    public static string Format(Indicator indicator, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => "Có",
        JsonValueKind.False => "Không",
        JsonValueKind.Number => value.GetDecimal().ToString("#,##0.##", Vietnamese) + (indicator.Type == IndicatorType.Percentage ? "%" : indicator.Unit is { } unit ? " " + unit : ""),
        JsonValueKind.String => value.GetString() ?? "",
        _ => "—",
    };

    /// <summary>Vietnamese writes thousands with a dot and decimals with a comma.</summary>
    private static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");

    private static string Size(long bytes) =>
        bytes >= 1024 * 1024 ? $"{bytes / 1024d / 1024d:0.#} MB" : bytes >= 1024 ? $"{bytes / 1024d:0} KB" : $"{bytes} byte";

    public static HistoryModel History(HistoryEvent e, PeopleTime time) =>
        new(time.Describe(e.At), e.Actor, e.Trigger != ReportTrigger.Note ? WorkflowDefinition.Verb(e.Trigger)
            : e.ReasonCode == ReviewStages.PartialApproval ? "đồng ý (chờ những người cùng duyệt)"
            : e.InStage?.Reassigned is not null ? "giao lại bước duyệt"
            : WorkflowDefinition.Verb(e.Trigger), e.Comment, e.Version);
}
