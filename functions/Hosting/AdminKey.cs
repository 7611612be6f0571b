using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Baocao.Hosting;

/// <summary>Admin routes are for province staff holding the admin key, sent in <c>X-Api-Key</c>.</summary>
public static class AdminKey
{
    public const string Header = "X-Api-Key";

    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<BaocaoOptions>>().Value;
            var presented = context.HttpContext.Request.Headers[Header].ToString();
            if (presented.Length == 0) return Problems.Unauthorized("Thiếu khoá quản trị (X-Api-Key).");
            return Matches(presented, options.AdminKey) ? await next(context) : Problems.Unauthorized("Khoá quản trị không đúng.");
        })
        .WithMetadata(new AdminOnlyMetadata());

    /// <summary>Constant-time comparison over hashes, so neither content nor length leaks through timing.</summary>
    public static bool Matches(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}

/// <summary>Marks an endpoint as admin-only, for OpenAPI and the function table.</summary>
public sealed record AdminOnlyMetadata;
