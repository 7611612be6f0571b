using System.Text.Json;
using Baocao.Catalog;
using Baocao.Submissions;
using Baocao.Workflow;
using static Baocao.Rendering.Page;
using static Baocao.Reporting.ReportingText;

namespace Baocao.Reporting;

/// <summary>A figure or narrative that differs between two versions: what it was and what it became.</summary>
public sealed record Change(string Label, string? Old, string? New);

/// <summary>
/// One unit's report for the province: the chosen version (the latest unless asked) section by section with its
/// figures, narrative and files; the changes from each version to the next; the history and the reviewers' comments.
/// </summary>
public static class UnitReportPage
{
    public static IResult Render(ReportView report, ReportTemplate template, OrgUnit unit, int? versionNumber)
    {
        var version = report.Versions.FirstOrDefault(v => v.Version == versionNumber) ?? report.Versions.LastOrDefault();
        var versionLinks = report.Versions.Count < 2 ? "" : "<p>Phiên bản: " + string.Join(" · ", report.Versions.Select(v => v.Version == version?.Version
            ? $"<strong>{v.Version}</strong>"
            : $"<a href=\"{DashboardLinks.Unit(report.PeriodId, unit.Code)}?version={v.Version}\">{v.Version}</a>")) + "</p>";
        var body = version is null ? "<p>Đơn vị chưa nộp báo cáo.</p>" : $"""
            <p class="muted">Phiên bản {version.Version}, nhận lúc {Time(version.ReceivedAt)}{(version.Late ? " <span class=\"late\">(nộp muộn)</span>" : "")} · biên nhận <code>{E(version.Receipt[..12])}…</code></p>
            {string.Concat(template.Sections.Select(s => Section(s, version)))}
            {(version.Note is { Length: > 0 } note ? $"<h2>Ghi chú của đơn vị</h2><p class=\"narrative\">{E(note)}</p>" : "")}
            <h2>Tệp đính kèm</h2>{Attachments(report.PeriodId, unit.Code, version)}
            """;
        var diffs = string.Concat(report.Versions.Zip(report.Versions.Skip(1)).Reverse().Select(pair => Diff(template, pair.First, pair.Second)));
        var comments = report.Comments.Count == 0 ? "<p class=\"muted\">Chưa có nhận xét.</p>"
            : "<ul>" + string.Concat(report.Comments.Select(c => $"<li><strong>{E(c.Actor)}</strong> ({Time(c.At)}, {E(WorkflowDefinition.Verb(c.Event))}): <span class=\"narrative\">{E(c.Comment)}</span></li>")) + "</ul>";
        var history = report.History.Count == 0 ? "<p class=\"muted\">Chưa có sự kiện.</p>"
            : "<ol class=\"timeline\">" + string.Concat(report.History.Select(h =>
                $"<li>{Time(h.At)}: <strong>{E(h.Actor)}</strong> {E(WorkflowDefinition.Verb(h.Event))} (phiên bản {h.Version}) · {E(WorkflowDefinition.Name(h.From))} → {E(WorkflowDefinition.Name(h.To))}{(h.Comment is null ? "" : $" · «{E(h.Comment)}»")}</li>")) + "</ol>";
        return Html($"{unit.Name} – {report.PeriodName}", $"""
            <nav><a href="{DashboardLinks.Period(report.PeriodId)}">← {E(report.PeriodName)}</a></nav>
            <h1>{E(unit.Name)}</h1>
            <p><span class="badge" id="state">{E(State(report.State))}</span> · hạn nộp {Time(report.Deadline)}{(report.Late ? " · <span class=\"late\">nộp muộn</span>" : "")}</p>
            {versionLinks}
            {body}
            <h2>Thay đổi giữa các phiên bản</h2>{(diffs.Length == 0 ? "<p class=\"muted\">Chỉ có một phiên bản.</p>" : diffs)}
            <h2>Nhận xét</h2>{comments}
            <h2>Lịch sử</h2>{history}
            """);
    }

    private static string Section(TemplateSection section, VersionView version)
    {
        var figures = section.IndicatorList.Count == 0 ? "" : "<div class=\"scroll\"><table><tbody>" + string.Concat(section.IndicatorList.Select(i =>
            $"<tr data-indicator=\"{E(i.Code)}\"><td>{E(i.Name)}</td><td class=\"num\">{E(version.Values.TryGetValue(i.Code, out var v) ? Value(v) : "—")}</td><td class=\"muted\">{E(i.Unit)}</td></tr>")) + "</tbody></table></div>";
        var narrative = version.Narratives.TryGetValue(section.Code, out var text) && text.Length > 0
            ? $"<p class=\"narrative\" data-section=\"{E(section.Code)}\">{E(text)}</p>"
            : section.Narrative ? "<p class=\"muted\">(không có thuyết minh)</p>" : "";
        return $"<h2>{E(section.Title)}</h2>{figures}{narrative}";
    }

    private static string Attachments(string periodId, string unitCode, VersionView version) =>
        version.Attachments.Count == 0 ? "<p class=\"muted\">Không có tệp.</p>"
        : "<ul>" + string.Concat(version.Attachments.Select(a =>
            $"<li><a href=\"{DashboardLinks.Attachment(periodId, unitCode, version.Version, a.Number)}\">{E(a.FileName)}</a> <span class=\"muted\">({a.Size / 1024.0:0.#} KB)</span></li>")) + "</ul>";

    private static string Diff(ReportTemplate template, VersionView before, VersionView after)
    {
        var changes = Changes(template, before, after);
        var items = changes.Count == 0 ? "<p class=\"muted\">Nội dung không đổi.</p>" : "<ul>" + string.Concat(changes.Select(c =>
            $"<li>{E(c.Label)}: <del>{E(c.Old ?? "(trống)")}</del> → <ins>{E(c.New ?? "(trống)")}</ins></li>")) + "</ul>";
        return $"<h3>Phiên bản {before.Version} → {after.Version}</h3><div class=\"diff\" data-from=\"{before.Version}\" data-to=\"{after.Version}\">{items}</div>";
    }

    /// <summary>Figures and narratives in the template's order whose text differs between the two versions.</summary>
    public static IReadOnlyList<Change> Changes(ReportTemplate template, VersionView before, VersionView after)
    {
        static string? Text(IReadOnlyDictionary<string, JsonElement> values, string code) => values.TryGetValue(code, out var v) ? Value(v) : null;
        var figures = template.Indicators
            .Select(i => new Change(i.Name, Text(before.Values, i.Code), Text(after.Values, i.Code)));
        var narratives = template.Sections
            .Select(s => new Change("Thuyết minh " + s.Title, before.Narratives.GetValueOrDefault(s.Code), after.Narratives.GetValueOrDefault(s.Code)));
        return figures.Concat(narratives).Append(new Change("Ghi chú", before.Note, after.Note)).Where(c => c.Old != c.New).ToList();
    }
}
