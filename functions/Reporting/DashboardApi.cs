using Baocao.Catalog;
using Baocao.Hosting;

namespace Baocao.Reporting;

/// <summary>The province dashboard: server-rendered pages for staff signed in with the admin key.</summary>
public static class DashboardApi
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapDashboardSignIn();
        var dashboard = app.MapGroup("/api/dashboard").RequireAuthorization(policy => policy
            .AddAuthenticationSchemes(DashboardAccess.Scheme).RequireAuthenticatedUser()).WithTags("Bảng theo dõi");
        dashboard.MapGet("/", ListPeriods).WithName("DashboardPeriods").WithSummary("Danh sách kỳ báo cáo (trang HTML)").ExcludeFromDescription();
        dashboard.MapGet("/{periodId}", ShowPeriod).WithName("Dashboard")
            .WithSummary("Bảng theo dõi của một kỳ: đơn vị theo cấp, trạng thái, tỷ lệ đầy đủ và đúng hạn (trang HTML)");
        return app;
    }

    public static async Task<IResult> ListPeriods(CatalogService catalog, CancellationToken ct) =>
        DashboardPages.Periods(await catalog.ListPeriodsAsync(null, ct));

    public static async Task<IResult> ShowPeriod(string periodId, CatalogService catalog, PeopleTime time, CancellationToken ct)
    {
        var period = await catalog.GetPeriodAsync(periodId, ct);
        if (period is null) return DashboardPages.Message("Không tìm thấy", $"Không có kỳ báo cáo '{periodId}'.", StatusCodes.Status404NotFound);
        var units = await catalog.GetUnitsAsync(ct);
        var grid = PeriodGrid.Build(period, CatalogService.UnitsInScope(period, units), await catalog.GetLevelsAsync(ct), time.UtcNow);
        return DashboardPages.Grid(grid, await catalog.ListPeriodsAsync(null, ct));
    }
}
