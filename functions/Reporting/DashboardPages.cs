using Baocao.Catalog;
using Baocao.Workflow;
using Microsoft.AspNetCore.Antiforgery;
using static Baocao.Rendering.Page;
using static Baocao.Reporting.ReportingText;

namespace Baocao.Reporting;

/// <summary>The dashboard's pages, in Vietnamese.</summary>
public static class DashboardPages
{
    public static IResult SignIn(AntiforgeryTokenSet tokens, string returnUrl, bool failed) => Html("Đăng nhập", $"""
        <h1>Đăng nhập bảng theo dõi</h1>
        <p class="muted">Dành cho cán bộ Ban Dân vận Tỉnh ủy. Nhập khoá quản trị.</p>
        {(failed ? "<p role=\"alert\"><strong>Khoá quản trị không đúng.</strong></p>" : "")}
        <form method="post" action="{DashboardAccess.SignInPath}">
          <input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
          <input type="hidden" name="returnUrl" value="{E(returnUrl)}">
          <label>Khoá quản trị <input type="password" name="key" autocomplete="current-password" required></label>
          <button type="submit">Đăng nhập</button>
        </form>
        """, failed ? StatusCodes.Status401Unauthorized : StatusCodes.Status200OK);

    public static IResult Message(string title, string text, int status) =>
        Html(title, $"<h1>{E(title)}</h1><p>{E(text)}</p><p><a href=\"/api/dashboard\">Về bảng theo dõi</a></p>", status);

    public static IResult Periods(IReadOnlyList<Period> periods)
    {
        var rows = string.Concat(periods.Select(p => $"""
            <tr><td><a href="{DashboardLinks.Period(p.Id)}">{E(p.Name)}</a></td><td>{E(CatalogService.Vietnamese(p.Status))}</td><td>{Time(p.Deadline)}</td></tr>
            """));
        return Html("Kỳ báo cáo", $"""
            <h1>Kỳ báo cáo</h1>
            <div class="scroll"><table><thead><tr><th>Kỳ</th><th>Trạng thái</th><th>Hạn nộp</th></tr></thead><tbody>{rows}</tbody></table></div>
            """);
    }

    public static IResult Grid(PeriodGrid grid, IReadOnlyList<Period> periods)
    {
        var period = grid.Period;
        var groups = string.Concat(grid.Levels.Select(level => $"""
            <h2>{E(level.Name)} <span class="muted">(đã nộp {level.Submitted}/{level.Expected})</span></h2>
            <div class="scroll"><table class="grid"><thead><tr><th>Đơn vị</th><th>Trạng thái</th><th>Đúng hạn</th><th>Nộp lúc</th><th class="num">Phiên bản</th><th>Đang xử lý</th></tr></thead><tbody>
            {string.Concat(level.Rows.Select(r => Row(period.Id, r)))}
            </tbody></table></div>
            """));
        var levelOptions = string.Concat(grid.AllLevels.Select(l =>
            $"<option value=\"{E(l.Code)}\"{(grid.Filter.Level == l.Code ? " selected" : "")}>{E(l.Name)}</option>"));
        var stateOptions = string.Concat(Enum.GetValues<ReportState>().Select(s =>
            $"<option value=\"{s.Code()}\"{(grid.Filter.State == s ? " selected" : "")}>{E(State(s))} ({grid.StateCounts[s]})</option>"));
        var chips = string.Join(" ", Enum.GetValues<ReportState>().Where(s => grid.StateCounts[s] > 0).Select(s =>
            $"<a href=\"{DashboardLinks.Period(period.Id)}?state={s.Code()}\" class=\"badge\" data-state-count=\"{s.Code()}\">{E(State(s))}: {grid.StateCounts[s]}</a>"));
        var empty = grid.Levels.Count == 0 ? "<p class=\"muted\">Không có đơn vị nào khớp bộ lọc.</p>" : "";
        return Html(period.Name, $"""
            {PeriodNav(period.Id, periods)}
            <h1>{E(period.Name)}</h1>
            <p class="muted">Số liệu từ {period.DataFrom:dd/MM/yyyy} đến {period.DataTo:dd/MM/yyyy} ·
              hạn nộp {Time(period.Deadline)} ({E(grid.DeadlineText)}) · {E(CatalogService.Vietnamese(period.Status))}</p>
            <div class="stats">
              <div>Phải nộp <strong id="expected">{grid.Expected}</strong></div>
              <div>Đã nộp <strong id="actual">{grid.Submitted}</strong> (<span id="completeness">{grid.CompletenessPercent}%</span>)</div>
              <div>Đúng hạn <strong id="on-time">{grid.OnTime}</strong> (<span id="timeliness">{grid.TimelinessPercent}%</span>)</div>
            </div>
            <p class="muted">Tỷ lệ theo DHIS2: phải nộp = đơn vị trong phạm vi trừ đơn vị được miễn; đã nộp = báo cáo đã gửi (mọi trạng thái sau «chưa nộp»); đúng hạn = gửi lần đầu trước hạn.</p>
            <p class="actions"><a href="{DashboardLinks.Figures(period.Id)}">Số liệu tổng hợp</a>{ExportLinks(period.Id)}</p>
            <form method="get" class="filters" action="{DashboardLinks.Period(period.Id)}">
              <label>Cấp <select name="level"><option value="">Tất cả</option>{levelOptions}</select></label>
              <label>Trạng thái <select name="state"><option value="">Tất cả</option>{stateOptions}</select></label>
              <button type="submit">Lọc</button> <a href="{DashboardLinks.Period(period.Id)}">Bỏ lọc</a>
            </form>
            <p class="chips">{chips}</p>
            {groups}{empty}
            """);
    }

    private static string Row(string periodId, GridRow r)
    {
        var timeliness = r.Submitted
            ? r.DaysLate == 0 ? "<span class=\"ok\">Đúng hạn</span>" : $"<span class=\"late\">Muộn {r.DaysLate} ngày</span>"
            : r.DaysLate > 0 ? $"<span class=\"late\">Quá hạn {r.DaysLate} ngày</span>" : "—";
        var submitted = r.FirstSubmittedAt is { } first
            ? Time(first) + (r.LatestSubmittedAt is { } latest && latest != first ? $"<br><span class=\"muted\">mới nhất {Time(latest)}</span>" : "")
            : "—";
        var holder = r.Stage is null ? "—" : $"{E(r.Stage)}{(r.Holders.Count > 0 ? $"<br><span class=\"muted\">{E(string.Join(", ", r.Holders))}</span>" : "")}";
        return $"""
            <tr data-unit="{E(r.UnitCode)}" data-state="{r.State.Code()}"><td><a href="{DashboardLinks.Unit(periodId, r.UnitCode)}">{E(r.UnitName)}</a></td><td><span class="badge">{E(State(r.State))}</span></td><td>{timeliness}</td><td>{submitted}</td><td class="num">{r.Versions}</td><td>{holder}</td></tr>
            """;
    }

    /// <summary>The other periods, newest first, to move between.</summary>
    public static string PeriodNav(string current, IReadOnlyList<Period> periods)
    {
        var others = string.Join(" · ", periods.Where(p => p.Id != current).Select(p => $"<a href=\"{DashboardLinks.Period(p.Id)}\">{E(p.Name)}</a>"));
        return $"<nav><a href=\"/api/dashboard\">Các kỳ báo cáo</a>{(others.Length == 0 ? "" : " · Kỳ khác: " + others)}</nav>";
    }

    public static string ExportLinks(string periodId) =>
        $" <a href=\"{DashboardLinks.Export(periodId, "xlsx")}\" download>Tải Excel</a> <a href=\"{DashboardLinks.Export(periodId, "csv")}\" download>Tải CSV</a> <a href=\"{DashboardLinks.Export(periodId, "docx")}\" download>Dự thảo báo cáo (Word)</a>";
}

/// <summary>Where the dashboard's pages and files are.</summary>
public static class DashboardLinks
{
    public static string Period(string periodId) => $"/api/dashboard/{Uri.EscapeDataString(periodId)}";

    public static string Figures(string periodId, FigureBasis basis = FigureBasis.Approved) =>
        Period(periodId) + "/figures" + (basis == FigureBasis.Submitted ? "?basis=Submitted" : "");

    public static string Unit(string periodId, string unitCode) => Period(periodId) + "/units/" + Uri.EscapeDataString(unitCode);

    public static string Attachment(string periodId, string unitCode, int version, int number) =>
        $"{Unit(periodId, unitCode)}/versions/{version}/attachments/{number}";

    public static string Export(string periodId, string extension) => $"/api/periods/{Uri.EscapeDataString(periodId)}/export.{extension}";
}
