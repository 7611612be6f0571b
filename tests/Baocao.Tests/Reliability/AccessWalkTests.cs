using System.Net;
using System.Text.RegularExpressions;
using Baocao.Access;
using Baocao.Hosting;
using Baocao.Reporting;
using Baocao.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Reliability;

/// <summary>
/// Every route the app maps, called by every kind of caller: no key, a demo unit's key, the admin key, the dashboard's
/// staff cookie, and on the local-only tools a caller on another machine. What a route accepts is read from the caller
/// checks on its endpoint (or, for the few routes meant for anyone, from <see cref="Public"/>): every caller it does not
/// accept is refused, every one it accepts gets past the check, and nothing is written. A route added later without a
/// check, or with one that lets the wrong caller in, fails here.
/// The local mail sink is walked too: its functions are in functions.metadata like any other, so they exist under the
/// Functions host as well, but answer only when the app setting Mail:UseLocalSink is true (Azure never sets it) and then
/// only to a caller on this machine.
/// </summary>
public sealed partial class AccessWalkTests(DemoApp app) : IClassFixture<DemoApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The demo unit whose key the walk holds.</summary>
    private const string Unit = "HU-DONGSON";

    private enum Caller { Anonymous, UnitKey, AdminKey, StaffCookie, Elsewhere }

    /// <summary>Every caller on this machine; <see cref="Caller.Elsewhere"/> is only walked on local-only routes.</summary>
    private static readonly Caller[] OnThisMachine = [Caller.Anonymous, Caller.UnitKey, Caller.AdminKey, Caller.StaffCookie];

    /// <summary>Routes anyone may call, each for its reason; every other route carries a caller check.</summary>
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

    private sealed record Route(string Method, string Pattern, RouteEndpoint Endpoint)
    {
        public string Name => $"{Method} {Pattern}";
        public bool LocalOnly => Endpoint.Metadata.GetMetadata<LocalOnlyAttribute>() is not null;
        public override string ToString() => Name;
    }

    private List<Route> Routes() =>
        [.. app.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => new Route(m, "/" + e.RoutePattern.RawText!.TrimStart('/'), e)))
            .OrderBy(r => r.Pattern, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal)];

    /// <summary>The caller checks on a route's endpoint (its function's and its class's attributes), each with whom it lets past.</summary>
    private static List<(string Check, Caller[] LetsPast)> ChecksOn(Route route)
    {
        var metadata = route.Endpoint.Metadata;
        var checks = new List<(string, Caller[])>();
        if (metadata.GetMetadata<RequireAdminKeyAttribute>() is not null) checks.Add(("RequireAdminKey", [Caller.AdminKey]));
        if (metadata.GetMetadata<RequireUnitKeyAttribute>() is not null) checks.Add(("RequireUnitKey", [Caller.UnitKey]));
        if (metadata.GetMetadata<RequireUnitKeyOrAdminAttribute>() is not null) checks.Add(("RequireUnitKeyOrAdmin", [Caller.UnitKey, Caller.AdminKey]));
        if (metadata.GetMetadata<RequireStaffAttribute>() is not null) checks.Add(("RequireStaff", [Caller.AdminKey, Caller.StaffCookie]));
        if (metadata.GetMetadata<LocalOnlyAttribute>() is not null) checks.Add(("LocalOnly", OnThisMachine));
        foreach (var authorize in metadata.GetOrderedMetadata<IAuthorizeData>())
        {
            Assert.True(authorize.Policy == DashboardAccess.Scheme, $"{route} names the policy '{authorize.Policy}', which the walk does not know");
            checks.Add(($"Authorize({authorize.Policy})", [Caller.StaffCookie]));
        }
        return checks;
    }

    /// <summary>Whom a route lets past: anyone if it is public, else those whom every one of its checks lets past.</summary>
    private static HashSet<Caller> Accepted(Route route)
    {
        var accepted = new HashSet<Caller>(OnThisMachine);
        if (Public.Contains(route.Name)) return accepted;
        foreach (var (_, letsPast) in ChecksOn(route)) accepted.IntersectWith(letsPast);
        return accepted;
    }

    [Fact]
    public void Every_route_but_the_public_ones_carries_a_caller_check_and_the_public_list_names_only_unchecked_routes()
    {
        var routes = Routes();
        Assert.True(routes.Count > 30, $"only {routes.Count} routes found");
        AssertNone(routes.Where(r => !Public.Contains(r.Name) && ChecksOn(r).Count == 0).Select(r => $"{r} carries no caller check"));
        // A public route with a check, or a name on the list that no route has, means the list no longer says what is open.
        AssertNone(routes.Where(r => Public.Contains(r.Name) && ChecksOn(r).Count > 0).Select(r => $"{r} is listed as public but carries {ChecksOn(r)[0].Check}"));
        AssertNone(Public.Except(routes.Select(r => r.Name)).Select(name => $"{name} is listed as public but not mapped"));
    }

    /// <summary>Fails with every line in full (Assert.Empty cuts each item short).</summary>
    private static void AssertNone(IEnumerable<string> problems)
    {
        var found = problems.ToList();
        Assert.True(found.Count == 0, string.Join('\n', found));
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();

    [Fact]
    public async Task Every_route_refuses_each_kind_of_caller_its_check_does_not_accept_and_lets_the_others_past()
    {
        // The local tools are switched on here, so the 404 a caller elsewhere gets is the address's doing, not the setting's.
        Assert.True(app.Factory.Services.GetRequiredService<IConfiguration>().GetValue<bool>("Mail:UseLocalSink"));
        var callers = await CallersAsync();
        var before = await app.SnapshotAsync();
        var wrong = new List<string>();
        foreach (var route in Routes())
        {
            var accepted = Accepted(route);
            foreach (var (caller, client) in callers)
            {
                if (caller == Caller.Elsewhere && !route.LocalOnly) continue;
                // {unitId} is the unit's own (a unit key meets another unit's id with 403, which is not what is walked
                // here). Every other parameter is "1" and every body "{}": no period, instance, unit, post or upload is
                // "1" and "{}" is no valid catalog entry, submission or upload, so a caller let past is stopped by
                // validation or a 404 before anything is written, which the snapshot below holds the walk to.
                var path = Parameter().Replace(route.Pattern.Replace("{unitId}", Unit, StringComparison.Ordinal), "1");
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), path);
                if (route.Method is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                using var response = await client.SendAsync(request, Ct);
                // LocalOnly refuses by saying nothing is there. Past it, a 401 is the sink's own (it answers as SendGrid
                // does without a bearer key), not a refusal of the caller.
                var refused = route.LocalOnly
                    ? response.StatusCode == HttpStatusCode.NotFound
                    : response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                        || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString.Contains("sign-in", StringComparison.Ordinal) == true);
                TestContext.Current.TestOutputHelper?.WriteLine($"{route} as {caller} -> {(int)response.StatusCode}");
                var shouldPass = accepted.Contains(caller);
                if (refused == shouldPass)
                {
                    var by = Public.Contains(route.Name) ? "public" : string.Join(", ", ChecksOn(route).Select(c => c.Check));
                    wrong.Add($"{route} ({by}) as {caller}: {(int)response.StatusCode}, should be {(shouldPass ? "let past" : "refused")}");
                }
            }
        }
        AssertNone(wrong);
        await app.AssertUnchangedSinceAsync(before);
    }

    /// <summary>
    /// One client per kind of caller, none following redirects (the sign-in redirect is an answer here). All come from
    /// 127.0.0.1 but <see cref="Caller.Elsewhere"/>, which holds the admin key from a documentation address (203.0.113.7):
    /// the in-memory server gives no address unless one is set on the request's connection. The unit's key and the
    /// staff cookie are had before the walk's snapshot, since issuing a key writes it.
    /// </summary>
    private async Task<List<(Caller Caller, HttpClient Client)>> CallersAsync()
    {
        HttpClient From(IPAddress address, string? key = null, bool keepsCookies = false)
        {
            var server = app.Factory.Server.CreateHandler(context => context.Connection.RemoteIpAddress = address);
            var client = new HttpClient(keepsCookies ? new CookieContainerHandler { InnerHandler = server } : server) { BaseAddress = app.Factory.Server.BaseAddress };
            if (key is not null) client.Presenting(key);
            return client;
        }

        var unitKey = (await (await app.Admin().PostAsync($"/api/catalog/units/{Unit}/keys", null, Ct)).ReadAsAsync<IssuedUnitKey>()).Key;
        var staff = From(IPAddress.Loopback, keepsCookies: true);
        Assert.Equal(HttpStatusCode.Redirect, (await Staff.SignInAsync(staff, TestApp.AdminKey)).StatusCode);
        return
        [
            (Caller.Anonymous, From(IPAddress.Loopback)),
            (Caller.UnitKey, From(IPAddress.Loopback, unitKey)),
            (Caller.AdminKey, From(IPAddress.Loopback, TestApp.AdminKey)),
            (Caller.StaffCookie, staff),
            (Caller.Elsewhere, From(IPAddress.Parse("203.0.113.7"), TestApp.AdminKey)),
        ];
    }
}
