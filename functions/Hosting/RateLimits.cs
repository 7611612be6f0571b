using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Baocao.Hosting;

/// <summary>
/// Rate limits per key and per address, chained: a caller past either gets 429 Problem Details with Retry-After. A
/// key is held as its hash, never as sent.
/// </summary>
public static class RateLimits
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static IServiceCollection AddBaocaoRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => o.PerKeyPerMinute > 0 && o.PerAddressPerMinute > 0, "RateLimits:PerKeyPerMinute and RateLimits:PerAddressPerMinute must be positive.")
            .ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, settings) =>
        {
            var limits = settings.Value;
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    context.Request.Headers[AdminKey.Header].ToString() is { Length: > 0 } key
                        ? RateLimitPartition.GetFixedWindowLimiter("key:" + Fingerprint(key), _ => PerMinute(limits.PerKeyPerMinute))
                        : RateLimitPartition.GetNoLimiter("no key")),
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    RateLimitPartition.GetFixedWindowLimiter("address:" + (ClientAddress.Of(context) ?? IPAddress.Loopback), _ => PerMinute(limits.PerAddressPerMinute))));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : Window;
                rejected.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await Problems.Create(StatusCodes.Status429TooManyRequests, "too-many-requests", "Quá nhiều yêu cầu",
                    $"Đã gửi quá nhiều yêu cầu trong một phút; hãy thử lại sau {(int)Math.Ceiling(wait.TotalSeconds)} giây.").ExecuteAsync(rejected.HttpContext);
            };
        });
        return services;
    }

    private static FixedWindowRateLimiterOptions PerMinute(int permits) =>
        new() { PermitLimit = permits, Window = Window, QueueLimit = 0, AutoReplenishment = true };

    private static string Fingerprint(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
