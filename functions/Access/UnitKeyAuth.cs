using Baocao.Hosting;

namespace Baocao.Access;

/// <summary>The unit a request speaks for, set by <see cref="UnitKeyAuth.RequireUnitKey{TBuilder}"/>.</summary>
public sealed record CallingUnit(string Code)
{
    public static CallingUnit From(HttpContext context) =>
        context.Items[typeof(CallingUnit)] as CallingUnit ?? throw new InvalidOperationException("The route does not require a unit key.");
}

public static class UnitKeyAuth
{
    /// <summary>
    /// Routes for reporting units: a valid, unrevoked unit key in <c>X-Api-Key</c>, or 401. A route with a
    /// <c>{unitId}</c> for another unit answers 403 without saying anything about that unit.
    /// </summary>
    public static TBuilder RequireUnitKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var presented = http.Request.Headers[AdminKey.Header].ToString();
            if (presented.Length == 0) return Problems.Unauthorized("Thiếu khoá của đơn vị (X-Api-Key).");
            var unit = await http.RequestServices.GetRequiredService<UnitKeys>().AuthenticateAsync(presented, http.RequestAborted);
            if (unit is null) return Problems.Unauthorized("Khoá của đơn vị không đúng hoặc đã bị thu hồi.");
            if (http.GetRouteValue("unitId") is string routeUnit && !string.Equals(routeUnit, unit, StringComparison.OrdinalIgnoreCase))
            {
                return Problems.Create(StatusCodes.Status403Forbidden, "forbidden", "Không có quyền", "Khoá này không dùng được cho đơn vị khác.");
            }
            http.Items[typeof(CallingUnit)] = new CallingUnit(unit);
            return await next(context);
        });
}
