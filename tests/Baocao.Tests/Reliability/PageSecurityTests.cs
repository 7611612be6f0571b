using System.Net;
using System.Text.RegularExpressions;
using Baocao.Hosting;
using Baocao.Tests.Infrastructure;
using Baocao.Tests.Review;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Reliability;

/// <summary>
/// Every GET route the app maps (the local-only ones too), walked as AccessWalkTests walks them but with the values of
/// a real report and the credentials each route needs: every answer carries nosniff and may not be framed, every page
/// has a strict Content-Security-Policy, every file is a download, and every form that posts carries an anti-forgery
/// token without which (or with a wrong one, or another browser's) the post is refused and writes nothing. A page, a
/// file or a form added later is walked too: a route whose parameter the walk has no value for fails here.
/// </summary>
public sealed partial class PageSecurityTests(DemoApp app) : IClassFixture<DemoApp>
{
    private const string Period = "2026-H1";
    private const string Post = "CV-KHOI-HUYEN";
    private const string TokenField = "__RequestVerificationToken";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>What the walk got from one route: its answer's status, headers and (for pages) body.</summary>
    private sealed record Answer(string Route, string Path, HttpStatusCode Status, HttpResponseMessage Response, string Body)
    {
        public string? MediaType => Response.Content.Headers.ContentType?.MediaType;
        public bool IsPage => MediaType == "text/html";

        /// <summary>What the app serves to be read in place: its pages, their scripts, JSON. Anything else is a file.</summary>
        public bool IsFile => MediaType is not (null or "text/html" or "application/json" or "application/problem+json" or "text/javascript" or "image/svg+xml");
    }

    /// <summary>A form in a page: where and how it sends, and its fields as the page fills them.</summary>
    private sealed record Form(string Page, string Method, string Action, IReadOnlyList<KeyValuePair<string, string>> Fields);

    [GeneratedRegex(@"\{([^}:?]+)[^}]*\}")]
    private static partial Regex Parameter();

    /// <summary>The unit's report with one file, submitted and mailed to its reviewer: the values the walk puts in routes.</summary>
    private async Task<Dictionary<string, string>> ArrangeAsync(string unit)
    {
        var submitter = await Submitter.ForAsync(app, unit);
        Assert.Equal(HttpStatusCode.Created, (await submitter.SubmitAsync(Submitter.Form(files: ("Báo cáo sơ kết.pdf", Submitter.Pdf(4096))), Period)).StatusCode);
        var desk = new ReviewDesk(app);
        await desk.DeliverAsync($"{Period}~{unit}");
        var link = ReviewDesk.LinkIn((await desk.MailsToAsync(ReviewDesk.Reviewer, $"{Period}~{unit}"))[^1]);
        (await app.Admin().PutJsonAsync($"/api/catalog/posts/{Post}", $$"""
            { "code": "{{Post}}", "name": "Chuyên viên phụ trách khối huyện", "unit": "BDV-TU", "holder": { "name": "Phạm Quốc Việt", "email": "viet.bdv@anhoa.example" }, "delegations": [] }
            """)).EnsureSuccessStatusCode();
        return new()
        {
            ["periodId"] = Period, ["unitId"] = unit, ["version"] = "1", ["number"] = "1", ["instanceId"] = $"{Period}~{unit}",
            ["token"] = link[(link.LastIndexOf('/') + 1)..], ["documentName"] = "v1", ["*path"] = "v1", ["script"] = "form.js",
            ["code"] = unit, ["/api/catalog/posts/{code} code"] = Post, ["/api/catalog/templates/{code} code"] = "SK6T",
            ["/api/instances ?"] = "periodId=" + Period,
        };
    }

    /// <summary>
    /// Calls every GET route with <paramref name="values"/> in its parameters (by name, or by "{route} {name}" where one
    /// name means different things in different routes) and the query a route needs ("{route} ?"), as province staff
    /// signed in with the admin key, or, where that is refused, as the unit.
    /// </summary>
    private async Task<List<Answer>> WalkAsync(Dictionary<string, string> values)
    {
        var routes = app.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("GET") ?? true)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).Distinct().Order(StringComparer.Ordinal).ToList();
        using var staff = await Staff.SignedInAsync(app);
        staff.Presenting(TestApp.AdminKey);
        var unit = (await Submitter.ForAsync(app, values["unitId"])).Client;
        var answers = new List<Answer>();
        foreach (var route in routes)
        {
            var bare = Parameter().Replace(route, m => "{" + m.Groups[1].Value + "}");
            var path = Parameter().Replace(route, m => values.GetValueOrDefault($"{bare} {m.Groups[1].Value}") ?? values.GetValueOrDefault(m.Groups[1].Value)
                ?? throw new InvalidOperationException($"The walk has no value for {m.Value} in {route}: add one."))
                + (values.GetValueOrDefault($"{bare} ?") is { } query ? "?" + query : "");
            var response = await staff.GetAsync(path, Ct);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) response = await unit.GetAsync(path, Ct);
            var body = response.Content.Headers.ContentType?.MediaType == "text/html" ? await response.Content.ReadAsStringAsync(Ct) : "";
            answers.Add(new Answer(route, path, response.StatusCode, response, body));
        }
        return answers;
    }

    [Fact]
    public async Task Every_answer_refuses_sniffing_and_framing_every_page_has_a_strict_policy_and_every_file_is_a_download()
    {
        var answers = await WalkAsync(await ArrangeAsync("HU-DONGSON"));
        var problems = new List<string>();
        foreach (var answer in answers)
        {
            void Check(bool holds, string what)
            {
                if (!holds) problems.Add($"GET {answer.Route} ({(int)answer.Status} {answer.MediaType}): {what}");
            }
            var headers = answer.Response.Headers;
            var policy = string.Join(";", headers.TryGetValues("Content-Security-Policy", out var csp) ? csp : []);
            var directives = policy.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            Check((int)answer.Status < 400, "the walk did not reach it");
            Check(headers.TryGetValues("X-Content-Type-Options", out var sniff) && sniff.Single() == "nosniff", "no X-Content-Type-Options: nosniff");
            Check(headers.TryGetValues("X-Frame-Options", out var frame) && frame.Single() == "DENY", "no X-Frame-Options: DENY");
            Check(directives.Contains("frame-ancestors 'none'"), $"may be framed: '{policy}'");
            if (answer.IsPage)
            {
                Check(directives.Contains("default-src 'none'") || directives.Contains("default-src 'self'"), $"a page without a default-src of its own: '{policy}'");
                Check(!directives.SelectMany(d => d.Split(' ')).Any(s => s is "*" or "http:" or "https:" || s.Contains("://", StringComparison.Ordinal)),
                    $"a page that may load from elsewhere: '{policy}'");
            }
            if (answer.IsFile)
            {
                var disposition = answer.Response.Content.Headers.ContentDisposition;
                Check(disposition?.DispositionType == "attachment" && !string.IsNullOrEmpty(disposition.FileNameStar), $"a file not served as a download: '{disposition}'");
            }
        }
        foreach (var answer in answers) TestContext.Current.TestOutputHelper?.WriteLine($"GET {answer.Route} -> {(int)answer.Status} {answer.MediaType}");
        Assert.Empty(problems);
        // The walk met every kind of page and file: the dashboard's four, sign-in, the review page, the unit's form, the
        // API reference and the local mailbox; the three attachment routes and the three exports.
        Assert.True(answers.Count(a => a.IsPage) >= 9, $"{answers.Count(a => a.IsPage)} pages");
        Assert.True(answers.Count(a => a.IsFile) >= 6, $"{answers.Count(a => a.IsFile)} files");
    }

    [Fact]
    public async Task Every_form_that_posts_is_refused_without_its_anti_forgery_token_or_with_a_wrong_one_and_writes_nothing()
    {
        var answers = await WalkAsync(await ArrangeAsync("HU-KIMTHANH"));
        var forms = answers.Where(a => a.IsPage).SelectMany(a => Forms(a.Path, a.Body)).ToList();
        var posting = forms.Where(f => f.Method == "post").DistinctBy(f => f.Action).ToList();
        // The sign-in form and the review page's form; the rest send nothing (the dashboard's filters are GET, the unit's
        // form is a script that sends the unit key in a header, which no other site can make a browser do).
        Assert.Contains(posting, f => f.Action == "/api/dashboard/sign-in");
        Assert.Contains(posting, f => f.Action.StartsWith("/api/review/", StringComparison.Ordinal));
        Assert.All(forms.Where(f => f.Method != "post"), f => Assert.Equal("get", f.Method));

        foreach (var form in posting)
        {
            Assert.Contains(form.Fields, f => f.Key == TokenField);
            using var browser = Browser();
            var own = Forms(form.Page, await browser.GetStringAsync(form.Page, Ct)).Single(f => f.Action == form.Action);
            using var other = Browser();
            var othersToken = Forms(form.Page, await other.GetStringAsync(form.Page, Ct)).Single(f => f.Action == form.Action).Fields.Single(f => f.Key == TokenField).Value;
            var before = await app.SnapshotAsync();
            foreach (var (why, token) in new (string, string?)[] { ("no token", null), ("a wrong token", "CfDJ8-gia-mao"), ("another browser's token", othersToken) })
            {
                var response = await browser.PostAsync(form.Action, Body(own, token), Ct);
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{form.Action} with {why}: {(int)response.StatusCode}");
                Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("baocao-staff=", StringComparison.Ordinal)),
                    $"{form.Action} with {why} signed in");
                await app.AssertUnchangedSinceAsync(before);
            }
            // The same post with the page's own token goes through: the token was what the refusals were about.
            var accepted = await browser.PostAsync(form.Action, Body(own, own.Fields.Single(f => f.Key == TokenField).Value), Ct);
            Assert.True(accepted.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"{form.Action} with its token: {(int)accepted.StatusCode}");
        }
    }

    private HttpClient Browser() =>
        app.Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    /// <summary>The form's fields as a person would send them (the admin key typed where a key is asked), with <paramref name="token"/> or none.</summary>
    private static FormUrlEncodedContent Body(Form form, string? token) => new(
        form.Fields.Where(f => f.Key != TokenField).Select(f => f.Key == "key" ? new(f.Key, TestApp.AdminKey) : f)
            .Concat(token is null ? [] : [new(TokenField, token)]));

    /// <summary>The forms of a page, each with the fields a browser would send by its first button.</summary>
    private static IEnumerable<Form> Forms(string page, string html)
    {
        foreach (var form in HtmlPage.Parse(html).All("form"))
        {
            var fields = new List<KeyValuePair<string, string>>();
            var pressed = false;
            foreach (var field in form.QuerySelectorAll("input, button, textarea, select"))
            {
                if (field.GetAttribute("name") is not { } name) continue;
                var type = field.GetAttribute("type") ?? "";
                if (type is "checkbox" or "radio" && !field.HasAttribute("checked")) continue;
                if (field.LocalName == "button" || type == "submit")
                {
                    if (pressed) continue;
                    pressed = true;
                }
                fields.Add(new(name, field.GetAttribute("value") ?? ""));
            }
            yield return new Form(page, (form.GetAttribute("method") ?? "get").ToLowerInvariant(), form.GetAttribute("action") ?? page, fields);
        }
    }
}
