using Baocao.Access;
using Baocao.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Baocao.Catalog;

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
public static class UnitPeriodsApi
{
    public static IEndpointRouteBuilder MapUnitPeriodsApi(this IEndpointRouteBuilder app)
    {
        var periods = app.MapGroup("/api/periods").RequireUnitKey().WithTags("Đơn vị: kỳ báo cáo")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        periods.MapGet("/", ListForUnit).WithName("ListUnitPeriods")
            .WithSummary("Các kỳ đơn vị phải báo cáo, với hạn nộp")
            .WithDescription("?status=open (mặc định) hoặc closed. Chỉ gồm các kỳ có đơn vị trong phạm vi.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        app.MapGet("/api/units/me", Me).RequireUnitKey().WithName("GetCallingUnit").WithTags("Đơn vị: kỳ báo cáo")
            .WithSummary("Đơn vị của khoá đang dùng").ProducesProblem(StatusCodes.Status401Unauthorized);
        periods.MapGet("/{periodId}/template", TemplateForUnit).WithName("GetUnitPeriodTemplate")
            .WithSummary("Mẫu báo cáo của kỳ: các phần, chỉ tiêu và quy tắc")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<IReadOnlyList<UnitPeriod>>, ProblemHttpResult>> ListForUnit(
        string? status, HttpContext context, CatalogService catalog, CancellationToken ct)
    {
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
        var unit = CallingUnit.From(context).Code;
        var units = await catalog.GetUnitsAsync(ct);
        var visible = (await catalog.ListPeriodsAsync(wanted, ct))
            .Where(p => CatalogService.InScope(p, unit, units))
            .Select(UnitPeriod.From)
            .ToList();
        return TypedResults.Ok<IReadOnlyList<UnitPeriod>>(visible);
    }

    public static async Task<Results<Ok<CallingUnitInfo>, ProblemHttpResult>> Me(HttpContext context, CatalogService catalog, CancellationToken ct) =>
        await catalog.GetUnitAsync(CallingUnit.From(context).Code, ct) is { } unit
            ? TypedResults.Ok(new CallingUnitInfo(unit.Code, unit.Name))
            : Problems.NotFound("Đơn vị của khoá này không còn trong danh mục.");

    public static async Task<Results<Ok<ReportTemplate>, ProblemHttpResult>> TemplateForUnit(
        string periodId, HttpContext context, CatalogService catalog, CancellationToken ct)
    {
        var unit = CallingUnit.From(context).Code;
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
