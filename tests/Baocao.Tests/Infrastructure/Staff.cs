using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Baocao.Tests.Infrastructure;

/// <summary>Province staff in a browser-like client: cookies kept, redirects shown rather than followed.</summary>
public static partial class Staff
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    public static HttpClient Browser(TestApp app) =>
        app.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Fills in the sign-in form as a person would: the page first (for its anti-forgery token), then the post.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string key, bool withToken = true)
    {
        var page = await browser.GetStringAsync("/api/dashboard/sign-in?returnUrl=/api/dashboard/2026-H1", TestContext.Current.CancellationToken);
        var fields = new Dictionary<string, string> { ["key"] = key, ["returnUrl"] = "/api/dashboard/2026-H1" };
        if (withToken) fields["__RequestVerificationToken"] = TokenField().Match(page).Groups[1].Value;
        return await browser.PostAsync("/api/dashboard/sign-in", new FormUrlEncodedContent(fields), TestContext.Current.CancellationToken);
    }

    public static async Task<HttpClient> SignedInAsync(TestApp app)
    {
        var browser = Browser(app);
        var response = await SignInAsync(browser, TestApp.AdminKey);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }
}
