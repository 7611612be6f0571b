using System.Net;
using Baocao.Storage;
using Baocao.Tests.Infrastructure;
using Baocao.Tests.Review;
using Baocao.Workflow;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Reliability;

/// <summary>
/// Review links across a rotation of the signing keys, as docs/azure.md's key rotation runs it: a new key is added
/// and made current, links signed with the previous key keep working, and once that key is retired (its slot filled
/// with a new key, as the two Key Vault slots in Azure are, or its id removed) its links are refused with a clear page
/// and decide nothing. Each stage of the rotation is the app started again over the same storage with its settings.
/// </summary>
public sealed class LinkKeyRotationTests(DemoApp app) : IClassFixture<DemoApp>
{
    private const string Period = "2026-H1";
    private const string NewKey = "khoa-ky-lien-ket-moi-sau-khi-xoay-vong-2026-0123456789";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ReviewDesk _desk = new(app);

    /// <summary>The app as it runs after a change of its review keys, over the same storage and clock.</summary>
    private async Task<WebApplicationFactory<Baocao.LocalHost.LocalFunctionsHost>> RestartedWithAsync(Dictionary<string, string?> reviewKeys)
    {
        var factory = app.CreateFactory(app.Azurite.ConnectionString, reviewKeys);
        await factory.Services.GetRequiredService<StorageReadiness>().Ready.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        return factory;
    }

    /// <summary>The unit submits through <paramref name="accepting"/>, which signs the reviewer's link; the mail goes out.</summary>
    private async Task<string> LinkAsync(WebApplicationFactory<Baocao.LocalHost.LocalFunctionsHost> accepting, string unit)
    {
        var submitter = (await Submitter.ForAsync(app, unit)).Through(accepting);
        Assert.Equal(HttpStatusCode.Created, (await submitter.SubmitAsync(Submitter.Form(files: ("Báo cáo.pdf", Submitter.Pdf(2048))), Period)).StatusCode);
        await _desk.DeliverAsync($"{Period}~{unit}");
        return ReviewDesk.LinkIn((await _desk.MailsToAsync(ReviewDesk.Reviewer, $"{Period}~{unit}"))[^1]);
    }

    private static HttpClient Browser(WebApplicationFactory<Baocao.LocalHost.LocalFunctionsHost> factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    /// <summary>The link's page, its decision and its file are all refused with the invalid-link page, and nothing is written.</summary>
    private async Task AssertRefusedAsync(WebApplicationFactory<Baocao.LocalHost.LocalFunctionsHost> factory, string link)
    {
        var before = await app.SnapshotAsync();
        using var browser = Browser(factory);
        var page = HtmlPage.Parse(await ReviewDesk.PageAsync(browser, link, HttpStatusCode.NotFound));
        Assert.Equal("Liên kết không hợp lệ", page.TextOf("h1"));
        Assert.Contains("đã đổi khoá bảo mật", page.TextOf("h1 + p"), StringComparison.Ordinal);
        Assert.Empty(page.All("button[name=decision][value=approve]"));
        var decision = await browser.PostAsync(link, new FormUrlEncodedContent([new("decision", "approve")]), Ct);
        Assert.Equal(HttpStatusCode.NotFound, decision.StatusCode);
        var file = await browser.GetAsync(link + "/attachments/1", Ct);
        Assert.Equal(HttpStatusCode.NotFound, file.StatusCode);
        Assert.Null(file.Content.Headers.ContentDisposition);
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Links_signed_with_the_previous_key_work_until_it_is_retired_then_are_refused_and_decide_nothing()
    {
        var sampleKeyId = app.Factory.Services.GetRequiredService<IConfiguration>()["Review:CurrentKeyId"]!;
        // Before the rotation: two reports are mailed with links signed with the sample key.
        var decidedAfterRotation = await LinkAsync(app.Factory, "HU-DONGSON");
        var retiredLater = await LinkAsync(app.Factory, "HU-PHULOC");
        Assert.StartsWith($"/api/review/{sampleKeyId}.", retiredLater, StringComparison.Ordinal);

        // Rotation: a new key, made current; the previous one is still accepted.
        await using (var rotated = await RestartedWithAsync(new() { ["Review:CurrentKeyId"] = "k2026", ["Review:SigningKeys:k2026"] = NewKey }))
        {
            var signedWithNew = await LinkAsync(rotated, "HU-KIMTHANH");
            Assert.StartsWith("/api/review/k2026.", signedWithNew, StringComparison.Ordinal);
            using var browser = Browser(rotated);
            var (status, html) = await ReviewDesk.PostAsync(browser, decidedAfterRotation, await ReviewDesk.PageAsync(browser, decidedAfterRotation), ("decision", "approve"));
            Assert.True(status == HttpStatusCode.OK, html);
            Assert.StartsWith("Đã ghi nhận", HtmlPage.Parse(html).TextOf("h1"), StringComparison.Ordinal);
            Assert.Equal(ReportState.AwaitingApproval, (await app.Factory.Services.GetRequiredService<WorkflowEngine>().GetAsync($"{Period}~HU-DONGSON", Ct))!.Instance.State);

            // Retired: the previous key's slot is filled with a new key, as the next rotation in Azure does. Links signed
            // with the retired key are refused; links of the current key still open.
            await using (var retired = await RestartedWithAsync(new()
            {
                ["Review:CurrentKeyId"] = "k2026", ["Review:SigningKeys:k2026"] = NewKey,
                [$"Review:SigningKeys:{sampleKeyId}"] = "khoa-moi-cua-o-cu-sau-lan-xoay-vong-thu-hai-0123456789",
            }))
            {
                await AssertRefusedAsync(retired, retiredLater);
                await AssertRefusedAsync(retired, decidedAfterRotation);
                using var reviewer = Browser(retired);
                Assert.Single(HtmlPage.Parse(await ReviewDesk.PageAsync(reviewer, signedWithNew)).All("button[name=decision][value=approve]"));
            }

            // Retired by removing its id: back to the sample key alone, so links of k2026 are refused.
            await using var removed = await RestartedWithAsync([]);
            await AssertRefusedAsync(removed, signedWithNew);
        }
    }
}
