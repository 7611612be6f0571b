using System.Net;
using System.Text.RegularExpressions;
using Baocao.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Reliability;

/// <summary>
/// Every route the app maps, walked without a key: each one is either on the short list of routes meant for anyone
/// (health, docs, a review link, sign-in, the unit's own form) or refuses, and nothing is written. The local mail sink
/// is left out: it is marked local-only and never becomes a function under the Functions host.
/// A route added later without its key check fails here.
/// </summary>
public sealed partial class AccessWalkTests(DemoApp app) : IClassFixture<DemoApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Routes anyone may call, each for its reason; every other route needs a unit key, the admin key or the staff cookie.</summary>
    private static readonly HashSet<string> Public =
    [
        "GET /api/health",                        // liveness, says nothing about data
        "GET /api/openapi/{documentName}.json",   // the API's description
        "GET /api/docs/{*path}",                  // its browsable reference, with the reference's own files
        "GET /api/review/{token}",                // the signed link is the credential; checked inside
        "HEAD /api/review/{token}",
        "POST /api/review/{token}",
        "GET /api/review/{token}/attachments/{number:int}",
        "GET /api/submit",                        // the unit's form page: the key is typed into it, and sent with each call
        "GET /api/submit/{script}",
        "OPTIONS /api/periods/{periodId}/reports/{unitId}/uploads", // tus discovery: the server's version and limits
        "GET /api/dashboard/sign-in",             // where staff sign in
        "POST /api/dashboard/sign-in",
    ];

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();

    [Fact]
    public async Task Every_mapped_route_refuses_a_caller_without_a_key_unless_it_is_meant_for_anyone()
    {
        var routes = app.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Baocao.Hosting.LocalOnlyAttribute>() is null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Pattern: "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Distinct().OrderBy(r => r.Pattern, StringComparer.Ordinal).ToList();
        Assert.True(routes.Count > 30, $"only {routes.Count} routes found");
        using var anonymous = app.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var before = await app.SnapshotAsync();
        var open = new List<string>();
        foreach (var (method, pattern) in routes)
        {
            var path = Parameter().Replace(pattern, "1");
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            using var response = await anonymous.SendAsync(request, Ct);
            var refused = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString.Contains("sign-in", StringComparison.Ordinal) == true);
            TestContext.Current.TestOutputHelper?.WriteLine($"{method} {pattern} -> {(int)response.StatusCode}");
            if (!refused && !Public.Contains($"{method} {pattern}")) open.Add($"{method} {pattern} -> {(int)response.StatusCode}");
        }
        Assert.Empty(open);
        await app.AssertUnchangedSinceAsync(before);
    }
}
