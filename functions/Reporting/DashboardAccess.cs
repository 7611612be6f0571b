using System.Security.Claims;
using Baocao.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Baocao.Reporting;

/// <summary>
/// Province staff reach the dashboard in a browser: they sign in once with the admin key, which becomes an
/// HttpOnly, SameSite=Strict cookie; every form carries an anti-forgery token.
/// </summary>
public static class DashboardAccess
{
    public const string Scheme = "province-staff";
    public const string SignInPath = "/api/dashboard/sign-in";

    public static IServiceCollection AddDashboardAccess(this IServiceCollection services)
    {
        services.AddAuthentication(Scheme).AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "baocao-staff";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // The whole API, so the exports under /api/periods open from the dashboard's links too.
            o.Cookie.Path = "/api";
            o.LoginPath = SignInPath;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
        });
        // The dashboard's pages name this policy: signed in with the staff cookie, or sent to sign in.
        services.AddAuthorization(o => o.AddPolicy(Scheme, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser()));
        // One anti-forgery cookie serves every form the app renders: the dashboard's and the review pages'.
        services.AddAntiforgery(o => o.Cookie.Path = "/api");
        return services;
    }

    /// <summary>Only paths inside the dashboard, so the sign-in page cannot be used to send people elsewhere.</summary>
    internal static string SafeReturn(string? returnUrl) =>
        returnUrl is not null && returnUrl.StartsWith("/api/dashboard", StringComparison.Ordinal) && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            ? returnUrl
            : "/api/dashboard";
}

/// <summary>Where staff sign in to the dashboard: the form, and its post, which turns the admin key into the cookie.</summary>
public sealed class DashboardSignInFunctions(IAntiforgery antiforgery, IOptions<BaocaoOptions> options)
{
    [Function("DashboardSignInPage"), ExcludeFromDescription]
    public IResult Page([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/sign-in")] HttpRequest req) =>
        DashboardPages.SignIn(antiforgery.GetAndStoreTokens(req.HttpContext), DashboardAccess.SafeReturn(req.Query["returnUrl"]), failed: false);

    [Function("DashboardSignIn"), ExcludeFromDescription]
    public async Task<IResult> SignIn([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "dashboard/sign-in")] HttpRequest req)
    {
        var context = req.HttpContext;
        // Minimal APIs validate the anti-forgery token of [FromForm] parameters; reading the form by hand, check it here.
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return DashboardPages.Message("Phiên làm việc không hợp lệ",
                "Biểu mẫu đã hết hạn hoặc không đến từ trang đăng nhập. Hãy tải lại trang và thử lại.", StatusCodes.Status400BadRequest);
        }
        var form = await req.ReadFormAsync(context.RequestAborted);
        var returnUrl = DashboardAccess.SafeReturn(form["returnUrl"]);
        if (!AdminKey.Matches(form["key"].ToString(), options.Value.AdminKey))
        {
            return DashboardPages.SignIn(antiforgery.GetAndStoreTokens(context), returnUrl, failed: true);
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "province-staff")], DashboardAccess.Scheme);
        await context.SignInAsync(DashboardAccess.Scheme, new ClaimsPrincipal(identity));
        return Results.LocalRedirect(returnUrl);
    }
}

/// <summary>
/// Functions for province staff: the admin key in <c>X-Api-Key</c>, or the dashboard's sign-in cookie; otherwise
/// 401 Problem Details. A unit key is not the admin key and is refused like any wrong key.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class RequireStaffAttribute : Attribute, IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var presented = http.Request.Headers[AdminKey.Header].ToString();
        if (presented.Length > 0)
        {
            var options = http.RequestServices.GetRequiredService<IOptions<BaocaoOptions>>().Value;
            return AdminKey.Matches(presented, options.AdminKey) ? await next(context) : Problems.Unauthorized("Khoá quản trị không đúng.");
        }
        return (await http.AuthenticateAsync(DashboardAccess.Scheme)).Succeeded
            ? await next(context)
            : Problems.Unauthorized("Cần khoá quản trị (X-Api-Key) hoặc đăng nhập bảng theo dõi.");
    }
}
