using System.Net;
using Baocao.Tests.Infrastructure;

namespace Baocao.Tests.Reporting;

public sealed class DashboardTests(DemoApp app) : IClassFixture<DemoApp>
{
    private HttpClient Browser() => Staff.Browser(app);

    private static Task<HttpResponseMessage> SignInAsync(HttpClient browser, string key, bool withToken = true) => Staff.SignInAsync(browser, key, withToken);

    [Fact]
    public async Task Without_signing_in_the_dashboard_sends_staff_to_the_sign_in_page()
    {
        using var browser = Browser();
        var response = await browser.GetAsync("/api/dashboard/2026-H1", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/api/dashboard/sign-in", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Signed_in_staff_see_every_unit_in_scope_grouped_by_level_with_rates()
    {
        using var browser = Browser();
        var signedIn = await SignInAsync(browser, TestApp.AdminKey);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/api/dashboard/2026-H1", signedIn.Headers.Location!.OriginalString);

        var response = await browser.GetAsync("/api/dashboard/2026-H1", TestContext.Current.CancellationToken);
        var page = HtmlPage.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Báo cáo sơ kết 6 tháng đầu năm 2026", page.Text);
        Assert.Contains("Ban Dân vận Huyện ủy Đông Sơn", page.Text);
        Assert.Contains("Đảng ủy lực lượng vũ trang", page.Text);
        Assert.Equal("14", page.TextOf("strong#expected"));
        Assert.Equal(("0", "0%"), (page.TextOf("strong#actual"), page.TextOf("span#completeness")));
        Assert.Contains("0 (0%)", HtmlPage.Shown(page.Single("#actual").ParentElement!));
        Assert.Contains("còn 5 ngày", page.Text);
        Assert.Equal(14, page.All("[data-state=\"notStarted\"]").Count);
        // The province's own committee sets the period; it is no unit of the grid.
        Assert.DoesNotContain(page.All("tr[data-unit] td"), cell => HtmlPage.Shown(cell) == "Ban Dân vận Tỉnh ủy An Hòa");
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task A_wrong_key_is_refused_on_the_page_and_grants_nothing()
    {
        using var browser = Browser();
        var response = await SignInAsync(browser, "sai-khoa-quan-tri-roi");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Khoá quản trị không đúng", HtmlPage.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).TextOf("[role=alert]"));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/api/dashboard/2026-H1", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task A_sign_in_without_the_anti_forgery_token_is_refused()
    {
        using var browser = Browser();
        var response = await SignInAsync(browser, TestApp.AdminKey, withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/api/dashboard/2026-H1", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_period_is_a_clear_not_found_page()
    {
        using var browser = Browser();
        await SignInAsync(browser, TestApp.AdminKey);
        var response = await browser.GetAsync("/api/dashboard/2030-H9", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Không có kỳ báo cáo", HtmlPage.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).TextOf("h1 + p"));
    }
}
