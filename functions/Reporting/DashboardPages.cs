using Baocao.Catalog;
using Microsoft.AspNetCore.Antiforgery;
using static Baocao.Hosting.Page;

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
            <tr><td><a href="/api/dashboard/{E(p.Id)}">{E(p.Name)}</a></td><td>{E(CatalogService.Vietnamese(p.Status))}</td><td>{p.Deadline:HH:mm dd/MM/yyyy}</td></tr>
            """));
        return Html("Kỳ báo cáo", $"""
            <h1>Kỳ báo cáo</h1>
            <table><thead><tr><th>Kỳ</th><th>Trạng thái</th><th>Hạn nộp</th></tr></thead><tbody>{rows}</tbody></table>
            """);
    }

    public static IResult Grid(PeriodGrid grid, IReadOnlyList<Period> periods)
    {
        var groups = string.Concat(grid.Levels.Select(level => $"""
            <h2>{E(level.Name)} <span class="muted">({level.Rows.Count})</span></h2>
            <table><thead><tr><th>Đơn vị</th><th>Trạng thái</th><th>Nộp lúc</th><th>Đúng hạn</th><th>Phiên bản</th></tr></thead><tbody>
            {string.Concat(level.Rows.Select(r => $"<tr><td>{E(r.UnitName)}</td><td><span class=\"badge\">{E(r.Status)}</span></td><td>—</td><td>—</td><td>0</td></tr>"))}
            </tbody></table>
            """));
        var others = string.Join(" · ", periods.Where(p => p.Id != grid.Period.Id)
            .Select(p => $"<a href=\"/api/dashboard/{E(p.Id)}\">{E(p.Name)}</a>"));
        return Html(grid.Period.Name, $"""
            <h1>{E(grid.Period.Name)}</h1>
            <p class="muted">Số liệu từ {grid.Period.DataFrom:dd/MM/yyyy} đến {grid.Period.DataTo:dd/MM/yyyy} ·
              hạn nộp {grid.Period.Deadline:HH:mm dd/MM/yyyy} ({E(grid.DeadlineText)}) · {E(CatalogService.Vietnamese(grid.Period.Status))}</p>
            <div class="stats">
              <div>Phải nộp <strong>{grid.Expected}</strong></div>
              <div>Đã nộp <strong>{grid.Submitted}</strong> ({grid.CompletenessPercent}%)</div>
              <div>Đúng hạn <strong>{grid.OnTime}</strong> ({grid.TimelinessPercent}%)</div>
            </div>
            {groups}
            {(others.Length == 0 ? "" : $"<p class=\"muted\">Kỳ khác: {others}</p>")}
            """);
    }
}
