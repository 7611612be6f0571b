using Baocao.Hosting;
using Microsoft.Extensions.Options;

namespace Baocao.Access;

/// <summary>The unit a request speaks for, set by <see cref="RequireUnitKeyAttribute"/>.</summary>
public sealed record CallingUnit(string Code)
{
    public static CallingUnit From(HttpContext context) =>
        FromOrProvince(context) ?? throw new InvalidOperationException("The route does not require a unit key.");

    /// <summary>The calling unit, or null when province staff called with the admin key.</summary>
    public static CallingUnit? FromOrProvince(HttpContext context) => context.Items[typeof(CallingUnit)] as CallingUnit;
}

/// <summary>The unit-key check both attributes below share.</summary>
public static class UnitKeyAuth
{
    internal static async ValueTask<object?> CheckAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, bool adminToo)
    {
        var http = context.HttpContext;
        var presented = http.Request.Headers[AdminKey.Header].ToString();
        if (presented.Length == 0) return Problems.Unauthorized("Thiếu khoá của đơn vị (X-Api-Key).");
        if (adminToo && AdminKey.Matches(presented, http.RequestServices.GetRequiredService<IOptions<BaocaoOptions>>().Value.AdminKey))
        {
            return await next(context);
        }
        var unit = await http.RequestServices.GetRequiredService<UnitKeys>().AuthenticateAsync(presented, http.RequestAborted);
        if (unit is null) return Problems.Unauthorized("Khoá của đơn vị không đúng hoặc đã bị thu hồi.");
        if (http.GetRouteValue("unitId") is string routeUnit && !string.Equals(routeUnit, unit, StringComparison.OrdinalIgnoreCase))
        {
            return Problems.Create(StatusCodes.Status403Forbidden, "forbidden", "Không có quyền", "Khoá này không dùng được cho đơn vị khác.");
        }
        http.Items[typeof(CallingUnit)] = new CallingUnit(unit);
        return await next(context);
    }
}

/// <summary>
/// Functions for reporting units: a valid, unrevoked unit key in <c>X-Api-Key</c>, or 401. A route with a
/// <c>{unitId}</c> for another unit answers 403 without saying anything about that unit.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class RequireUnitKeyAttribute : Attribute, IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        UnitKeyAuth.CheckAsync(context, next, adminToo: false);
}

/// <summary>Functions a unit reads about itself and province staff read about any unit: a unit key as above, or the admin key.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class RequireUnitKeyOrAdminAttribute : Attribute, IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        UnitKeyAuth.CheckAsync(context, next, adminToo: true);
}
