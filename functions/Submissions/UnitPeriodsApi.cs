using Baocao.Access;
using Baocao.Catalog;
using Baocao.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Baocao.Submissions;

/// <summary>A period as a reporting unit sees it: what to report, for which dates, by when.</summary>
public sealed record UnitPeriod(
    string Id,
    string Name,
    PeriodType Type,
    PeriodStatus Status,
    DateOnly DataFrom,
    DateOnly DataTo,
    DateTimeOffset Deadline,
    string TemplateCode,
    int TemplateVersion)
{
    public static UnitPeriod From(Period p) => new(p.Id, p.Name, p.Type, p.Status, p.DataFrom, p.DataTo, p.Deadline, p.TemplateCode, p.TemplateVersion);
}

/// <summary>Who a unit key speaks for.</summary>
public sealed record CallingUnitInfo(string Code, string Name);

/// <summary>What a reporting unit, holding its key, can read of the catalogue: its periods and their templates.</summary>
[Tags("Đơn vị: kỳ báo cáo")]
[RequireUnitKey, ProducesProblem(StatusCodes.Status401Unauthorized)]
public sealed class UnitPeriodFunctions(CatalogService catalog)
{
    [Function("ListUnitPeriods"), EndpointSummary("Các kỳ đơn vị phải báo cáo, với hạn nộp")]
    [EndpointDescription("?status=open (mặc định) hoặc closed. Chỉ gồm các kỳ có đơn vị trong phạm vi.")]
    [QueryParameter("status", "open (mặc định) hoặc closed"), ProducesProblem(StatusCodes.Status400BadRequest)]
    public async Task<Results<Ok<IReadOnlyList<UnitPeriod>>, ProblemHttpResult>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "periods")] HttpRequest req, CancellationToken ct)
    {
        string? status = req.Query["status"];
        var wanted = status?.ToLowerInvariant() switch
        {
            null or "open" => PeriodStatus.Open,
            "closed" => PeriodStatus.Closed,
            _ => (PeriodStatus?)null,
        };
        if (wanted is null)
        {
            return Problems.Malformed(new FieldError("?status", "invalid-value", $"Trạng thái '{status}' không hợp lệ; dùng open hoặc closed."));
        }
        var unit = CallingUnit.From(req.HttpContext).Code;
        var units = await catalog.GetUnitsAsync(ct);
        var visible = (await catalog.ListPeriodsAsync(wanted, ct))
            .Where(p => CatalogService.InScope(p, unit, units))
            .Select(UnitPeriod.From)
            .ToList();
        return TypedResults.Ok<IReadOnlyList<UnitPeriod>>(visible);
    }

    [Function("GetCallingUnit"), EndpointSummary("Đơn vị của khoá đang dùng")]
    public async Task<Results<Ok<CallingUnitInfo>, ProblemHttpResult>> Me(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "units/me")] HttpRequest req, CancellationToken ct) =>
        await catalog.GetUnitAsync(CallingUnit.From(req.HttpContext).Code, ct) is { } unit
            ? TypedResults.Ok(new CallingUnitInfo(unit.Code, unit.Name))
            : Problems.NotFound("Đơn vị của khoá này không còn trong danh mục.");

    [Function("GetUnitPeriodTemplate"), EndpointSummary("Mẫu báo cáo của kỳ: các phần, chỉ tiêu và quy tắc")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<Results<Ok<ReportTemplate>, ProblemHttpResult>> Template(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "periods/{periodId}/template")] HttpRequest req, string periodId, CancellationToken ct)
    {
        var unit = CallingUnit.From(req.HttpContext).Code;
        var period = await catalog.GetPeriodAsync(periodId, ct);
        // A period the unit is not part of (or a planned one) is answered exactly like one that does not exist.
        if (period is null || period.Status == PeriodStatus.Planned || !CatalogService.InScope(period, unit, await catalog.GetUnitsAsync(ct)))
        {
            return Problems.NotFound($"Không có kỳ báo cáo '{periodId}' cho đơn vị này.");
        }
        var template = await catalog.GetTemplateAsync(period.TemplateCode, period.TemplateVersion, ct);
        return template is null ? Problems.NotFound($"Không có mẫu báo cáo của kỳ '{periodId}'.") : TypedResults.Ok(template);
    }
}
