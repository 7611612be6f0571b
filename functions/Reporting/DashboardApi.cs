using Baocao.Catalog;
using Baocao.Hosting;
using Baocao.Submissions;
using Baocao.Workflow;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Baocao.Reporting;

/// <summary>The province dashboard (server-rendered pages for staff signed in with the admin key) and the period's exports.</summary>
public static class DashboardApi
{
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string DocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    public static IServiceCollection AddReporting(this IServiceCollection services) =>
        services.AddDashboardAccess().AddSingleton<ReportingService>();

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapDashboardSignIn();
        var dashboard = app.MapGroup("/api/dashboard").RequireAuthorization(policy => policy
            .AddAuthenticationSchemes(DashboardAccess.Scheme).RequireAuthenticatedUser()).WithTags("Bảng theo dõi");
        dashboard.MapGet("/", ListPeriods).WithName("DashboardPeriods").WithSummary("Danh sách kỳ báo cáo (trang HTML)").ExcludeFromDescription();
        dashboard.MapGet("/{periodId}", ShowPeriod).WithName("Dashboard")
            .WithSummary("Bảng theo dõi của một kỳ: đơn vị theo cấp, trạng thái, tỷ lệ đầy đủ và đúng hạn (trang HTML)");
        dashboard.MapGet("/{periodId}/figures", ShowFigures).WithName("DashboardFigures")
            .WithSummary("Số liệu tổng hợp của một kỳ theo cấp và toàn tỉnh, so với kỳ trước (trang HTML)");
        dashboard.MapGet("/{periodId}/units/{unitId}", ShowUnit).WithName("DashboardUnitReport")
            .WithSummary("Báo cáo của một đơn vị: số liệu, thuyết minh, tệp, lịch sử, nhận xét và thay đổi giữa các phiên bản (trang HTML)");
        dashboard.MapGet("/{periodId}/units/{unitId}/versions/{version:int}/attachments/{number:int}", DownloadAttachment)
            .WithName("DashboardAttachment").WithSummary("Tải tệp đính kèm từ trang báo cáo của đơn vị");

        var exports = app.MapGroup("/api/periods/{periodId}").RequireStaff().WithTags("Tổng hợp")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        exports.MapGet("/export.xlsx", ExportXlsx).WithName("ExportXlsx")
            .WithSummary("Tổng hợp số liệu dạng Excel: mỗi phần của mẫu một trang, mỗi đơn vị một dòng, có dòng tổng")
            .Produces(StatusCodes.Status200OK, contentType: XlsxType);
        exports.MapGet("/export.csv", ExportCsv).WithName("ExportCsv")
            .WithSummary("Toàn bộ số liệu và thuyết minh dạng CSV (UTF-8 có BOM, mở thẳng bằng Excel)")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv");
        exports.MapGet("/export.docx", ExportDocx).WithName("ExportDocx")
            .WithSummary("Dự thảo báo cáo tổng hợp dạng Word: bảng số liệu tổng hợp và thuyết minh của từng đơn vị theo từng phần")
            .Produces(StatusCodes.Status200OK, contentType: DocxType);
        return app;
    }

    public static async Task<IResult> ListPeriods(ReportingService reporting, CancellationToken ct) =>
        DashboardPages.Periods(await reporting.PeriodsAsync(ct));

    public static async Task<IResult> ShowPeriod(string periodId, string? level, string? state, ReportingService reporting, PeopleTime time, CancellationToken ct)
    {
        var reports = await reporting.ReadAsync(periodId, withContent: false, ct);
        if (reports is null) return NoPeriod(periodId);
        var filter = new GridFilter(reports.Levels.Any(l => l.Code == level) ? level : null,
            Enum.TryParse<ReportState>(state, ignoreCase: true, out var s) && Enum.IsDefined(s) ? s : null);
        return DashboardPages.Grid(PeriodGrid.Build(reports, filter, time.UtcNow, time.ToLocal), await reporting.PeriodsAsync(ct));
    }

    public static async Task<IResult> ShowFigures(string periodId, FigureBasis? basis, ReportingService reporting, CancellationToken ct)
    {
        var reports = await reporting.ReadAsync(periodId, withContent: true, ct);
        if (reports is null) return NoPeriod(periodId);
        var previous = await reporting.PreviousAsync(reports.Period, ct);
        return FiguresPage.Render(Consolidation.Build(reports, basis ?? FigureBasis.Approved, previous), reports.Period, await reporting.PeriodsAsync(ct));
    }

    public static async Task<IResult> ShowUnit(string periodId, string unitId, int? version, SubmissionService submissions, CatalogService catalog, CancellationToken ct)
    {
        var unitCode = CatalogText.NormalizeCode(unitId);
        var reporting = await submissions.ReportingAsync(periodId, unitCode, ct);
        var unit = await catalog.GetUnitAsync(unitCode, ct);
        if (reporting.Problem is not null || unit is null)
        {
            return DashboardPages.Message("Không tìm thấy", $"Không có báo cáo của đơn vị '{unitId}' trong kỳ '{periodId}'.", StatusCodes.Status404NotFound);
        }
        var (period, template) = reporting.Value;
        return UnitReportPage.Render(await submissions.ViewAsync(period, unitCode, ct), template, unit, version);
    }

    public static async Task<IResult> DownloadAttachment(string periodId, string unitId, int version, int number, SubmissionService submissions, CancellationToken ct)
    {
        var file = await submissions.AttachmentAsync(periodId, CatalogText.NormalizeCode(unitId), version, number, ct);
        if (file is null) return DashboardPages.Message("Không tìm thấy", $"Không có tệp số {number} của phiên bản {version}.", StatusCodes.Status404NotFound);
        return await submissions.DownloadAsync(file, ct);
    }

    public static Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportXlsx(string periodId, ReportingService reporting, CancellationToken ct) =>
        ExportAsync(periodId, reporting, basis => TypedResults.File(PeriodExports.Xlsx(basis), XlsxType, $"Tổng hợp {basis.Reports.Period.Id}.xlsx"), ct);

    public static Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportCsv(string periodId, ReportingService reporting, CancellationToken ct) =>
        ExportAsync(periodId, reporting, basis => TypedResults.File(PeriodExports.Csv(basis), "text/csv; charset=utf-8", $"Tổng hợp {basis.Reports.Period.Id}.csv"), ct);

    public static Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportDocx(string periodId, ReportingService reporting, PeopleTime time, CancellationToken ct) =>
        ExportAsync(periodId, reporting, basis => TypedResults.File(PeriodExports.Docx(basis, time.ToLocal(time.UtcNow)), DocxType, $"Dự thảo báo cáo tổng hợp {basis.Reports.Period.Id}.docx"), ct);

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportAsync(
        string periodId, ReportingService reporting, Func<ExportBasis, FileContentHttpResult> write, CancellationToken ct)
    {
        var reports = await reporting.ReadAsync(periodId, withContent: true, ct);
        if (reports is null) return Problems.NotFound($"Không có kỳ báo cáo '{periodId}'.");
        var previous = await reporting.PreviousAsync(reports.Period, ct);
        return write(new ExportBasis(reports, Consolidation.Build(reports, FigureBasis.Approved, previous), Consolidation.Build(reports, FigureBasis.Submitted, previous)));
    }

    private static IResult NoPeriod(string periodId) =>
        DashboardPages.Message("Không tìm thấy", $"Không có kỳ báo cáo '{periodId}'.", StatusCodes.Status404NotFound);
}
