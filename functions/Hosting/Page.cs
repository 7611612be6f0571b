using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Baocao.Hosting;

/// <summary>Server-rendered pages: one stylesheet, escaped content, and headers that keep them in their own frame.</summary>
public static class Page
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>Escapes markup but keeps Vietnamese letters readable in the source.</summary>
    public static string E(string? text) => Encoder.Encode(text ?? "");

    public static IResult Html(string title, string content, int status = StatusCodes.Status200OK) => new PageResult(Layout(title, content), status, Scripted: false);

    /// <summary>A page that runs the app's own scripts (never inline, never from elsewhere) and talks only to the app.</summary>
    public static IResult Scripted(string title, string content, params string[] scripts) =>
        new PageResult(Layout(title, content + string.Concat(scripts.Select(s => $"<script src=\"{E(s)}\" defer></script>"))), StatusCodes.Status200OK, Scripted: true);

    public static string Layout(string title, string content) => $$"""
        <!doctype html>
        <html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{E(title)}} – Baocao</title>
        <style>
          body { font-family: system-ui, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem; color: #1b1b1b; }
          h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.5rem; }
          table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid #ddd; }
          .muted { color: #666; } .badge { padding: .1rem .45rem; border-radius: .75rem; background: #eee; font-size: .85rem; white-space: nowrap; }
          .stats { display: flex; gap: 1rem; flex-wrap: wrap; } .stats div { border: 1px solid #ddd; border-radius: .5rem; padding: .5rem .75rem; }
          form { display: grid; gap: .5rem; max-width: 22rem; } input, button, select, textarea { font: inherit; padding: .4rem; }
          form.wide { max-width: 48rem; } fieldset { display: grid; gap: .5rem; border: 1px solid #ddd; border-radius: .5rem; }
          label { display: grid; gap: .2rem; } .error, .field-error { color: #a30000; } .done { color: #05620a; font-weight: 600; }
          [aria-invalid] { outline: 2px solid #a30000; } progress { width: 100%; }
          a { color: #0b57d0; } nav { margin-bottom: .5rem; } .scroll { overflow-x: auto; } td.num, th.num { text-align: right; } td.num { white-space: nowrap; } table.figures td:first-child { min-width: 14rem; }
          .filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; max-width: none; } .chips a { margin-right: .4rem; white-space: nowrap; line-height: 2; }
          .late { color: #a50e0e; } .ok { color: #146c2e; } .narrative { white-space: pre-line; } del { color: #a50e0e; } ins { color: #146c2e; text-decoration: none; }
          svg { max-width: 100%; height: auto; } .timeline li { margin-bottom: .4rem; } .actions a { margin-right: .75rem; white-space: nowrap; }
          @media (max-width: 40rem) { table.grid td:nth-child(n+4), table.grid th:nth-child(n+4) { display: none; } body { padding: .5rem; } }
        </style></head><body>
        {{content}}
        </body></html>
        """;

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
