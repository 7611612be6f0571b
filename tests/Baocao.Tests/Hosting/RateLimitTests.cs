using System.Net;
using Baocao.Tests.Infrastructure;

namespace Baocao.Tests.Hosting;

/// <summary>The demo app with small limits: three requests a minute per key, seven per address.</summary>
public sealed class LimitedApp : TestApp
{
    protected override bool SeedDemoData => true;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:PerKeyPerMinute"] = "3",
        ["RateLimits:PerAddressPerMinute"] = "7",
    };
}

public sealed class RateLimitTests(LimitedApp app) : IClassFixture<LimitedApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_key_past_its_limit_gets_429_with_retry_after_while_another_key_goes_on_until_the_address_is_spent()
    {
        // Keys are issued with the admin key, which counts against its own limit; issue both before anything else.
        var first = await Submitter.IssueAsync(app, "HU-DONGSON");
        var second = await Submitter.IssueAsync(app, "HU-KIMTHANH");

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await first.Client.GetAsync("/api/periods?status=open", Ct)).StatusCode);
        var refused = await first.Client.GetAsync("/api/periods?status=open", Ct);
        var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "too-many-requests");
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Contains("quá nhiều yêu cầu", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);

        // Another key is not held back by the first one's limit, but each request let through counts against the address:
        // two issues, three of the first key, then two of the second spend its seven.
        Assert.Equal(HttpStatusCode.OK, (await second.Client.GetAsync("/api/periods?status=open", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.Client.GetAsync("/api/periods?status=open", Ct)).StatusCode);
        await (await second.Client.GetAsync("/api/periods?status=open", Ct)).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        await (await app.Anonymous().GetAsync("/api/health", Ct)).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
    }
}
