using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Baocao.Hosting;

/// <summary>The admin key province staff send in <c>X-Api-Key</c>.</summary>
public static class AdminKey
{
    public const string Header = "X-Api-Key";

    /// <summary>Constant-time comparison over hashes, so neither content nor length leaks through timing.</summary>
    public static bool Matches(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}

/// <summary>
/// A local tool (the mail sink): answers only when the app setting <paramref name="enabledBySetting"/> is true and the
/// caller is on this machine; anywhere else it says nothing is there. Azure never sets the setting.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class LocalOnlyAttribute(string enabledBySetting) : Attribute, IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var enabled = http.RequestServices.GetRequiredService<IConfiguration>().GetValue<bool>(enabledBySetting);
        var local = ClientAddress.IsLocal(http);
        return enabled && local ? await next(context) : Problems.NotFound($"Không có địa chỉ {http.Request.Path}.");
    }
}

/// <summary>Functions for province staff holding the admin key in <c>X-Api-Key</c>; anyone else gets 401.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class RequireAdminKeyAttribute : Attribute, IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<BaocaoOptions>>().Value;
        var presented = context.HttpContext.Request.Headers[AdminKey.Header].ToString();
        if (presented.Length == 0) return Problems.Unauthorized("Thiếu khoá quản trị (X-Api-Key).");
        return AdminKey.Matches(presented, options.AdminKey) ? await next(context) : Problems.Unauthorized("Khoá quản trị không đúng.");
    }
}
