using System.Net;
using System.Text.Json;
using Baocao.Tests.Infrastructure;

namespace Baocao.Tests.Submissions;

public sealed class ReportFormTests(DemoApp app) : IClassFixture<DemoApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_form_page_runs_only_the_apps_own_scripts_and_names_the_unit_of_a_key()
    {
        using var client = app.Anonymous();
        var page = await client.GetAsync("/api/submit", Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = HtmlPage.Parse(await page.Content.ReadAsStringAsync(Ct));
        Assert.Equal("Nộp báo cáo định kỳ", html.TextOf("h1"));
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline'; script", csp, StringComparison.Ordinal);
        // Every script is a file the app serves, none written into the page.
        Assert.All(html.All("script"), s => Assert.StartsWith("/api/submit/", s.GetAttribute("src")));

        foreach (var script in new[] { "/api/submit/form.js", "/api/submit/tus.min.js" })
        {
            var served = await client.GetAsync(script, Ct);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal("text/javascript", served.Content.Headers.ContentType?.MediaType);
            Assert.True((await served.Content.ReadAsByteArrayAsync(Ct)).Length > 1000);
        }
        Assert.Contains("tus", await client.GetStringAsync("/api/submit/tus.min.js", Ct), StringComparison.Ordinal);
        await (await client.GetAsync("/api/submit/khong-co.js", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        var unit = await Submitter.ForAsync(app, "HU-DONGSON");
        var me = await (await unit.Client.GetAsync("/api/units/me", Ct)).ReadAsAsync<JsonElement>();
        Assert.Equal(("HU-DONGSON", "Ban Dân vận Huyện ủy Đông Sơn"), (me.GetProperty("code").GetString(), me.GetProperty("name").GetString()));
        await (await client.GetAsync("/api/units/me", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }
}
