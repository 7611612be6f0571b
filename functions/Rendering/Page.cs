namespace Baocao.Rendering;

/// <summary>The layout a page's body is rendered into: its title, the body's markup, the app's own scripts it runs.</summary>
public sealed record LayoutModel(string Title, Fluid.Values.FluidValue Body, IReadOnlyList<string> Scripts);

/// <summary>Server-rendered pages: a template's body in the one layout (Rendering/Templates/layout), and headers that keep them in their own frame.</summary>
public static class Page
{
    public static IResult Html(string title, string template, object? model, int status = StatusCodes.Status200OK) =>
        Render(title, template, model, status, scripts: []);

    /// <summary>A page that runs the app's own scripts (never inline, never from elsewhere) and talks only to the app.</summary>
    public static IResult Scripted(string title, string template, params string[] scripts) =>
        Render(title, template, model: null, StatusCodes.Status200OK, scripts);

    private static PageResult Render(string title, string template, object? model, int status, string[] scripts) =>
        new(LiquidTemplates.RenderHtml("Rendering/layout", new LayoutModel(title, LiquidTemplates.RenderPart(template, model), scripts)),
            status, Scripted: scripts.Length > 0);

    private sealed record PageResult(string Body, int Status, bool Scripted) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            var headers = context.Response.Headers;
            // nosniff and X-Frame-Options come with every answer (SecurityHeaders); a page adds its own policy.
            headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
                + (Scripted ? "; script-src 'self'; connect-src 'self'" : "");
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
            context.Response.StatusCode = Status;
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync(Body, context.RequestAborted);
        }
    }
}
