using Microsoft.AspNetCore.Http.Features;

namespace Baocao.Hosting;

public static class RequestBodyLimit
{
    /// <summary>
    /// Lets this request's body be up to <paramref name="bytes"/>: Kestrel's default (30 MB) is below what a submission
    /// or a tus chunk may carry, and the feature reading the body enforces its own, real budget.
    /// </summary>
    public static void AllowBodyOf(this HttpContext context, long bytes)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = bytes;
    }
}
