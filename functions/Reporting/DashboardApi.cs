using System.Globalization;
using Baocao.Catalog;
using Baocao.Hosting;
using Baocao.Submissions;
using Baocao.Workflow;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Baocao.Reporting;

/// <summary>The province dashboard (server-rendered pages for staff signed in with the admin key) and the period's exports.</summary>
public static class DashboardApi
{
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string DocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    public static IServiceCollection AddReporting(this IServiceCollection services) =>
        services.AddDashboardAccess().AddSingleton<ReportingService>();
}

/// <summary>The dashboard's pages, for staff signed in with the sign-in cookie; anyone else is sent to sign in.</summary>
[Tags("Bảng theo dõi"), Authorize(Policy = DashboardAccess.Scheme)]
public sealed class DashboardFunctions(ReportingService reporting, SubmissionService submissions, CatalogService catalog, PeopleTime time)
{
    [Function("DashboardPeriods"), EndpointSummary("Danh sách kỳ báo cáo (trang HTML)"), ExcludeFromDescription]
    public async Task<IResult> ListPeriods(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard")] HttpRequest req, CancellationToken ct) =>
        DashboardPages.Periods(await reporting.PeriodsAsync(ct));

    [Function("Dashboard"), EndpointSummary("Bảng theo dõi của một kỳ: đơn vị theo cấp, trạng thái, tỷ lệ đầy đủ và đúng hạn (trang HTML)")]
    [QueryParameter("level", "Chỉ hiện các đơn vị thuộc cấp này (mã cấp)")]
    [QueryParameter("state", "Chỉ hiện các đơn vị ở trạng thái này", ValuesOf = typeof(ReportState))]
    public async Task<IResult> ShowPeriod(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/{periodId}")] HttpRequest req, string periodId, CancellationToken ct)
    {
        string? level = req.Query["level"];
        string? state = req.Query["state"];
        var reports = await reporting.ReadAsync(periodId, withContent: false, ct);
        if (reports is null) return NoPeriod(periodId);
        var filter = new GridFilter(reports.Levels.Any(l => l.Code == level) ? level : null,
            ReportStateCodes.TryParse(state, out var s) ? s : null);
        return DashboardPages.Grid(PeriodGrid.Build(reports, filter, time.UtcNow, time.ToLocal), await reporting.PeriodsAsync(ct));
    }

    [Function("DashboardFigures"), EndpointSummary("Số liệu tổng hợp của một kỳ theo cấp và toàn tỉnh, so với kỳ trước (trang HTML)")]
    [QueryParameter("basis", "Tính trên báo cáo nào: approved (đã duyệt, mặc định) hoặc submitted (mọi báo cáo đã nộp)", Values = ["approved", "submitted"])]
    public async Task<IResult> ShowFigures(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/{periodId}/figures")] HttpRequest req, string periodId, CancellationToken ct)
    {
        // As the minimal-API binder read FigureBasis?: absent is none; anything Enum.TryParse refuses (an empty value too) is 400.
        string? text = req.Query["basis"];
        FigureBasis? basis = null;
        if (text is not null)
        {
            if (!Enum.TryParse<FigureBasis>(text, out var parsed))
            {
                return Problems.Malformed(new FieldError("?basis", "invalid-value",
                    $"Cơ sở số liệu '{text}' không hợp lệ; dùng {string.Join(" hoặc ", Enum.GetNames<FigureBasis>())}."));
            }
            basis = parsed;
        }
        var reports = await reporting.ReadAsync(periodId, withContent: true, ct);
        if (reports is null) return NoPeriod(periodId);
        var previous = await reporting.PreviousAsync(reports.Period, ct);
        return FiguresPage.Render(Consolidation.Build(reports, basis ?? FigureBasis.Approved, previous), reports.Period, await reporting.PeriodsAsync(ct));
    }

    [Function("DashboardUnitReport")]
    [EndpointSummary("Báo cáo của một đơn vị: số liệu, thuyết minh, tệp, lịch sử, nhận xét và thay đổi giữa các phiên bản (trang HTML)")]
    [QueryParameter("version", "Phiên bản cần xem (mặc định: phiên bản mới nhất)", Type = Microsoft.OpenApi.JsonSchemaType.Integer)]
    public async Task<IResult> ShowUnit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/{periodId}/units/{unitId}")] HttpRequest req,
        string periodId, string unitId, CancellationToken ct)
    {
        // As the minimal-API binder read int?: absent is none; anything int.TryParse refuses (an empty value too) is 400.
        string? text = req.Query["version"];
        int? version = null;
        if (text is not null)
        {
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
            {
                return Problems.Malformed(new FieldError("?version", "invalid-value", $"Phiên bản '{text}' không hợp lệ; dùng một số nguyên."));
            }
            version = parsed;
        }
        var unitCode = CatalogText.NormalizeCode(unitId);
        var reportingPeriod = await submissions.ReportingAsync(periodId, unitCode, ct);
        var unit = await catalog.GetUnitAsync(unitCode, ct);
        if (reportingPeriod.Problem is not null || unit is null)
        {
            return DashboardPages.Message("Không tìm thấy", $"Không có báo cáo của đơn vị '{unitId}' trong kỳ '{periodId}'.", StatusCodes.Status404NotFound);
        }
        var (period, template) = reportingPeriod.Value;
        return UnitReportPage.Render(await submissions.ViewAsync(period, unitCode, ct), template, unit, version);
    }

    [Function("DashboardAttachment"), EndpointSummary("Tải tệp đính kèm từ trang báo cáo của đơn vị")]
    public async Task<IResult> DownloadAttachment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/{periodId}/units/{unitId}/versions/{version:int}/attachments/{number:int}")] HttpRequest req,
        string periodId, string unitId, int version, int number, CancellationToken ct)
    {
        var file = await submissions.AttachmentAsync(periodId, CatalogText.NormalizeCode(unitId), version, number, ct);
        if (file is null) return DashboardPages.Message("Không tìm thấy", $"Không có tệp số {number} của phiên bản {version}.", StatusCodes.Status404NotFound);
        return await submissions.DownloadAsync(file, ct);
    }

    private static IResult NoPeriod(string periodId) =>
        DashboardPages.Message("Không tìm thấy", $"Không có kỳ báo cáo '{periodId}'.", StatusCodes.Status404NotFound);
}

/// <summary>The period's exports, for staff with the admin key or the dashboard's sign-in cookie.</summary>
[Tags("Tổng hợp"), RequireStaff, ProducesProblem(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound)]
public sealed class PeriodExportFunctions(ReportingService reporting, PeopleTime time)
{
    [Function("ExportXlsx"), EndpointSummary("Tổng hợp số liệu dạng Excel: mỗi phần của mẫu một trang, mỗi đơn vị một dòng, có dòng tổng")]
    [Produces(StatusCodes.Status200OK, DashboardApi.XlsxType)]
    public Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportXlsx(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "periods/{periodId}/export.xlsx")] HttpRequest req, string periodId, CancellationToken ct) =>
        ExportAsync(periodId, basis => TypedResults.File(PeriodExports.Xlsx(basis), DashboardApi.XlsxType, $"Tổng hợp {basis.Reports.Period.Id}.xlsx"), ct);

    [Function("ExportCsv"), EndpointSummary("Toàn bộ số liệu và thuyết minh dạng CSV (UTF-8 có BOM, mở thẳng bằng Excel)")]
    [Produces(StatusCodes.Status200OK, "text/csv")]
    public Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportCsv(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "periods/{periodId}/export.csv")] HttpRequest req, string periodId, CancellationToken ct) =>
        ExportAsync(periodId, basis => TypedResults.File(PeriodExports.Csv(basis), "text/csv; charset=utf-8", $"Tổng hợp {basis.Reports.Period.Id}.csv"), ct);

    [Function("ExportDocx"), EndpointSummary("Dự thảo báo cáo tổng hợp dạng Word: bảng số liệu tổng hợp và thuyết minh của từng đơn vị theo từng phần")]
    [Produces(StatusCodes.Status200OK, DashboardApi.DocxType)]
    public Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportDocx(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "periods/{periodId}/export.docx")] HttpRequest req, string periodId, CancellationToken ct) =>
        ExportAsync(periodId, basis => TypedResults.File(PeriodExports.Docx(basis, time.ToLocal(time.UtcNow)), DashboardApi.DocxType, $"Dự thảo báo cáo tổng hợp {basis.Reports.Period.Id}.docx"), ct);

    private async Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportAsync(
        string periodId, Func<ExportBasis, FileContentHttpResult> write, CancellationToken ct)
    {
        var reports = await reporting.ReadAsync(periodId, withContent: true, ct);
        if (reports is null) return Problems.NotFound($"Không có kỳ báo cáo '{periodId}'.");
        var previous = await reporting.PreviousAsync(reports.Period, ct);
        return write(new ExportBasis(reports, Consolidation.Build(reports, FigureBasis.Approved, previous), Consolidation.Build(reports, FigureBasis.Submitted, previous)));
    }
}
