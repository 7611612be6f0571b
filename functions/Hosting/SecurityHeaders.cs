namespace Baocao.Hosting;

/// <summary>
/// Headers every answer carries, whatever wrote it (a page, JSON, a file, an error, the API reference): nosniff, so no
/// browser reads a file or JSON as something to run; never framed by another site (CSP frame-ancestors, and
/// X-Frame-Options for browsers older than it); and a Content-Security-Policy. An answer without a policy of its own
/// gets one that lets nothing load or run in it; pages set theirs (<see cref="Rendering.Page"/>); an endpoint that serves
/// someone else's page (the API reference) declares its policy with <see cref="ContentSecurityPolicyAttribute"/>.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>For anything that is not one of the app's pages: nothing loads or runs in it, nobody frames it.</summary>
    public const string NothingRuns = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
                {
                    var metadata = context.GetEndpoint()?.Metadata;
                    headers.ContentSecurityPolicy = metadata?.GetMetadata<ContentSecurityPolicyAttribute>()?.Value ?? NothingRuns;
                }
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
