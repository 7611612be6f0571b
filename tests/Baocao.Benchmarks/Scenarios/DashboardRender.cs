using System.Net;
using System.Text.RegularExpressions;
using Baocao.Workflow;

namespace Baocao.Benchmarks.Scenarios;

/// <summary>
/// The province grid for a thousand units is one range query and a page: its render time, measured through HTTP with
/// a signed-in staff cookie, against reading the period's partition alone.
/// </summary>
public static partial class DashboardRender
{
    private const int Renders = 20;
    private const string Period = "2026-H1";

    public static async Task<IReadOnlyList<Result>> RunAsync(BenchmarkApp app, Sizes sizes, CancellationToken ct)
    {
        var engine = app.Service<WorkflowEngine>();
        if ((await engine.PeriodInstancesAsync(Period, withContent: false, ct)).Count < sizes.Units) await app.AddDistrictsAsync(sizes.Units, ct);
        var units = (await engine.PeriodInstancesAsync(Period, withContent: false, ct)).Count;
        using var staff = await SignedInAsync(app, ct);
        Measure.EnsureSuccess(await staff.GetAsync($"/api/dashboard/{Period}", ct), "dashboard (warm-up)");

        var read = await Measure.ConcurrentlyAsync(Renders, 1, (_, token) => engine.PeriodInstancesAsync(Period, withContent: false, token), ct);
        var page = await Measure.ConcurrentlyAsync(Renders, 1, async (_, token) =>
            Measure.EnsureSuccess(await staff.GetAsync($"/api/dashboard/{Period}", token), "dashboard"), ct);
        Console.WriteLine($"dashboard read alone ({units} units) {read}");
        Console.WriteLine($"dashboard page                     {page}");
        var ratio = page.P(95) / read.P(95);
        return [new("6. dashboard render", page.P(95), "ms (p95)", read.P(95), ratio,
            $"p95 {page.P(95):F0} ms vs the partition read alone {read.P(95):F0} ms = {ratio:F2} ({units} units)", "≤ 2x", ratio <= 2)];
    }

    /// <summary>Signs in as province staff through the sign-in form, anti-forgery token and all, and keeps the cookie.</summary>
    private static async Task<HttpClient> SignedInAsync(BenchmarkApp app, CancellationToken ct)
    {
        var client = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        var form = await client.GetStringAsync("/api/dashboard/sign-in", ct);
        var fields = HiddenField().Matches(form).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["key"] = BenchmarkApp.AdminKey;
        var signedIn = await client.PostAsync("/api/dashboard/sign-in", new FormUrlEncodedContent(fields), ct);
        if (signedIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Sign-in answered {(int)signedIn.StatusCode}.");
        return client;
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();
}
