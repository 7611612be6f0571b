using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Baocao.Submissions;
using Baocao.Tests.Infrastructure;
using Baocao.Tests.Review;
using FsCheck;
using FsCheck.Fluent;

namespace Baocao.Tests.Reliability;

/// <summary>The demo province behind real Kestrel (its header and body limits are part of what is tested), with small attachment limits.</summary>
public sealed class HostileInputApp : TestApp
{
    protected override bool SeedDemoData => true;
    protected override bool ServesOverHttp => true;
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Submissions:MaxFileBytes"] = (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Submissions:MaxSubmissionBytes"] = (2 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>One request body an attacker or a broken client could send, named for the report when a property fails.</summary>
public sealed record HostileBody(string Why, byte[] Body, string ContentType)
{
    public override string ToString() => $"{Why} ({Body.Length} bytes): {Encoding.UTF8.GetString(Body[..Math.Min(Body.Length, 300)])}";
}

/// <summary>
/// Hostile and broken submissions, generated with FsCheck and picked by hand: none gets a 5xx, and none that is
/// refused leaves anything in storage.
/// </summary>
public sealed class HostileInputTests(HostileInputApp app) : IClassFixture<HostileInputApp>
{
    private const string Boundary = "----hostile-boundary-7d1c";
    private const string ContentType = "multipart/form-data; boundary=\"" + Boundary + "\"";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] NastyText =
    [
        "\u0000", "\u202E", "\u200B", "\uFEFF", "<script>alert(1)</script>", "e\u0301", "\u1EA1\u0302", "=cmd|'/C calc'!A0", "\r\n", "\\", "\"", "../",
        "%00", "{{ 1 | raw }}", "${jndi:ldap://x}", "' OR 1=1 --", "\uD83D\uDE00", new string('Đ', 5000),
    ];

    private static readonly string[] NastyNumbers = ["1e400", "-0", "99999999999999999999999999999", "\"12\"", "null", "[]", "{}", "true", "1.5", "-1", "0x10", "NaN"];

    /// <summary>The body HttpClient would send for a report and its files, with a fixed boundary so it can be cut and bent.</summary>
    private static byte[] Body(string report, params (string Name, byte[] Content)[] files)
    {
        var form = new MultipartFormDataContent(Boundary);
        form.Add(new StringContent(report, Encoding.UTF8, "application/json"), SubmissionReader.ReportPart);
        foreach (var (name, content) in files) Submitter.AddFile(form, name, content);
        return form.ReadAsByteArrayAsync(Ct).GetAwaiter().GetResult();
    }

    private static readonly byte[] Good = Body(Submitter.GoodReport, ("Báo cáo.pdf", Submitter.Pdf(2048)));

    private static Gen<string> Text => Gen.Elements(NastyText).ListOf().Select(parts => string.Concat(parts.Take(4)));

    private static Gen<HostileBody> Truncated =>
        Gen.Choose(0, Good.Length - 1).Select(n => new HostileBody($"cut at {n}", Good[..n], ContentType));

    private static Gen<HostileBody> Bent =>
        from positions in Gen.Choose(0, Good.Length - 1).ArrayOf().Where(p => p.Length is > 0 and < 8)
        from bytes in Gen.Choose(0, 255).ArrayOf(positions.Length)
        select new HostileBody($"bytes changed at {string.Join(',', positions)}", Bend(positions, bytes), ContentType);

    private static byte[] Bend(int[] positions, int[] bytes)
    {
        var body = (byte[])Good.Clone();
        for (var i = 0; i < positions.Length; i++) body[positions[i]] = (byte)bytes[i];
        return body;
    }

    private static Gen<string> Json => Gen.OneOf(
        from number in Gen.Elements(NastyNumbers)
        from narrative in Text
        from note in Text
        select $$"""{"values":{"DVK_TONG":{{number}},"DVK_MOI":1},"narratives":{"TINH-HINH":{{JsonString(narrative)}},"PHUONG-HUONG":"x"},"note":{{JsonString(note)}}}""",
        from depth in Gen.Choose(1, 400)
        select new string('[', depth) + new string(']', depth),
        from depth in Gen.Choose(1, 400)
        select string.Concat(Enumerable.Repeat("{\"values\":", depth)) + "1" + new string('}', depth),
        from cut in Gen.Choose(0, Submitter.GoodReport.Length - 1)
        select Submitter.GoodReport[..cut],
        from key in Text
        select $$"""{"values":{"DVK_TONG":1,"DVK_TONG":2},{{JsonString(key)}}:1}""",
        Gen.Constant("""{"values":{"DVK_TONG":"\ud800"},"narratives":{"TINH-HINH":"\u0000"}}"""));

    private static string JsonString(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static Gen<HostileBody> HostileReport => Json.Select(json => new HostileBody("report JSON", Body(json), ContentType));

    private static Gen<HostileBody> HostileFileName =>
        from pieces in Gen.Elements("../", "..\\", "\u0000", "\u202E", "\u2066", "\r\n", "\t", "CON", "e\u0301", ".", " ", "/etc/passwd", "%2e%2e%2f", "\u200B", "Báo cáo", "a")
            .ArrayOf().Where(p => p.Length is > 0 and < 6)
        from extension in Gen.Elements(".pdf", ".pdf.exe", ".exe", "", ".PDF", ".pdf ")
        let name = string.Concat(pieces) + extension
        select new HostileBody($"file name {JsonString(name)}", Body(Submitter.GoodReport, (name, Submitter.Pdf(1024))), ContentType);

    /// <summary>Sends a body as a unit's system would, with its length, and proves the answer is not 5xx and a refusal wrote nothing.</summary>
    private async Task<bool> SendAndCheckAsync(HttpClient unit, HostileBody hostile, Figures figures)
    {
        // Every generated request is itself the fault.
        figures.CountSent();
        figures.CountFault();
        var before = await app.SnapshotAsync();
        var content = new ByteArrayContent(hostile.Body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(hostile.ContentType);
        using var response = await unit.PostAsync("/api/periods/2026-H1/reports/HU-DONGSON/submissions", content, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {hostile}: {text}");
        if (response.StatusCode == HttpStatusCode.Created)
        {
            // Accepted: every stored name is one a file system and a reader can trust.
            var receipt = System.Text.Json.JsonSerializer.Deserialize<SubmissionReceipt>(text, Baocao.Hosting.JsonBody.Strict.ForReading())!;
            Assert.All(receipt.Attachments, a => Assert.Equal(a.FileName, AttachmentRules.CleanFileName(a.FileName).Name));
            figures.CountAcknowledged();
            return true;
        }
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await app.AssertUnchangedSinceAsync(before);
        return true;
    }

    [Fact]
    public async Task Generated_broken_and_hostile_submissions_never_get_5xx_and_a_refused_one_writes_nothing()
    {
        var unit = (await Submitter.ForAsync(app, "HU-DONGSON")).Client;
        var figures = new Figures("hostile input: generated submissions");
        var cases = Gen.OneOf(Truncated, Bent, HostileReport, HostileFileName);
        var property = Prop.ForAll(cases.ToArbitrary(), hostile => SendAndCheckAsync(unit, hostile, figures).GetAwaiter().GetResult());
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60 * ReliabilityScale.Factor).WithQuietOnSuccess(true), property);
        figures.Publish();
        Assert.Equal(60 * ReliabilityScale.Factor, figures.Sent);
    }

    public static TheoryData<string, Func<HttpContent>, HttpStatusCode> HandPicked => new()
    {
        { "JSON instead of multipart", () => new StringContent(Submitter.GoodReport, Encoding.UTF8, "application/json"), HttpStatusCode.UnsupportedMediaType },
        { "form-urlencoded", () => new FormUrlEncodedContent([new("report", Submitter.GoodReport)]), HttpStatusCode.UnsupportedMediaType },
        { "multipart without a boundary", () => Raw(Good, "multipart/form-data"), HttpStatusCode.BadRequest },
        { "report part as text/html", () => Raw(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Good).Replace("application/json", "text/html", StringComparison.Ordinal)), ContentType), HttpStatusCode.UnsupportedMediaType },
        { "JSON nested 10,000 deep", () => Raw(Body(new string('[', 10_000) + new string(']', 10_000)), ContentType), HttpStatusCode.BadRequest },
        { "a report part over 512 KiB", () => Raw(Body($$"""{"note":"{{new string('x', 600 * 1024)}}"}"""), ContentType), HttpStatusCode.RequestEntityTooLarge },
        { "a file over the 1 MiB limit", () => Raw(Body(Submitter.GoodReport, ("lớn.pdf", Submitter.Pdf(1024 * 1024 + 1))), ContentType), HttpStatusCode.RequestEntityTooLarge },
        { "a body over the whole limit", () => Raw(Body(Submitter.GoodReport, ("a.pdf", Submitter.Pdf(900 * 1024)), ("b.pdf", Submitter.Pdf(900 * 1024)), ("c.pdf", Submitter.Pdf(900 * 1024))), ContentType), HttpStatusCode.RequestEntityTooLarge },
        { "10,000 parts", () => Raw(Body(Submitter.GoodReport, [.. Enumerable.Range(1, 10_000).Select(i => ($"{i}.pdf", Submitter.Pdf(16)))]), ContentType), HttpStatusCode.RequestEntityTooLarge },
        { "path traversal in the file name", () => Raw(Body(Submitter.GoodReport, ("../../etc/passwd.pdf", Submitter.Pdf(64))), ContentType), HttpStatusCode.BadRequest },
        { "right-to-left override hiding .exe", () => Raw(Body(Submitter.GoodReport, ("bao-cao\u202Efdp.exe", Submitter.Pdf(64))), ContentType), HttpStatusCode.BadRequest },
        { "NUL in the file name", () => Raw(Body(Submitter.GoodReport, ("a\u0000.pdf", Submitter.Pdf(64))), ContentType), HttpStatusCode.BadRequest },
        { "an executable named .pdf", () => Raw(Body(Submitter.GoodReport, ("báo cáo.pdf", "MZ\u0090\u0000"u8.ToArray())), ContentType), HttpStatusCode.UnsupportedMediaType },
    };

    private static ByteArrayContent Raw(byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    [Theory]
    [MemberData(nameof(HandPicked))]
    public async Task A_hand_picked_hostile_submission_gets_its_4xx_problem_and_writes_nothing(string why, Func<HttpContent> body, HttpStatusCode status)
    {
        var unit = (await Submitter.ForAsync(app, "HU-DONGSON")).Client;
        var before = await app.SnapshotAsync();
        // Expect: 100-continue, as careful clients send large bodies: a server that refuses the body at once (413) says
        // so before the client writes it, instead of closing the connection under a client still writing.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/periods/2026-H1/reports/HU-DONGSON/submissions") { Content = body() };
        request.Headers.ExpectContinue = true;
        using var response = await unit.SendAsync(request, Ct);
        Assert.True(status == response.StatusCode, $"{why}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        await response.ShouldBeProblemAsync(status);
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Headers_beyond_the_servers_limit_get_431_and_write_nothing()
    {
        var unit = (await Submitter.ForAsync(app, "HU-DONGSON")).Client;
        var before = await app.SnapshotAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/periods/2026-H1/reports/HU-DONGSON/submissions") { Content = Raw(Good, ContentType) };
        request.Headers.Add("X-Padding", new string('x', 64 * 1024));
        using var response = await unit.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        await app.AssertUnchangedSinceAsync(before);
    }

    /// <summary>The mail, the link's page, the dashboard's page of the unit and the exports.</summary>
    [Fact]
    public async Task Markup_control_characters_and_formulas_a_unit_typed_are_harmless_in_mail_pages_and_exports()
    {
        const string markup = "<script>alert('x')</script><img src=x onerror=alert(1)>";
        var report = System.Text.Json.Nodes.JsonNode.Parse(Submitter.GoodReport)!;
        report["narratives"]!["TINH-HINH"] = $"=HYPERLINK(\"http://x\") {markup} NUL\u0000 BEL\u0007 RLO\u202E e\u0301";
        report["note"] = "@SUM(A1) " + markup;
        var unit = await Submitter.ForAsync(app, "HU-KIMTHANH");
        // A NUL or a bell cannot be written into the XML of the exports: refused, naming the character, and nothing kept.
        var before = await app.SnapshotAsync();
        var refused = await (await unit.SubmitAsync(Submitter.Form(report.ToJsonString()))).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-character");
        Assert.Contains("U+0000", refused.Error("invalid-character").GetProperty("detail").GetString(), StringComparison.Ordinal);
        await app.AssertUnchangedSinceAsync(before);

        report["narratives"]!["TINH-HINH"] = report["narratives"]!["TINH-HINH"]!.GetValue<string>().Replace("\u0000", "", StringComparison.Ordinal).Replace("\u0007", "", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await unit.SubmitAsync(Submitter.Form(report.ToJsonString()))).StatusCode);

        const string id = "2026-H1~HU-KIMTHANH";
        var desk = new ReviewDesk(app);
        await desk.DeliverAsync(id);
        var mail = Assert.Single(await desk.MailsToAsync(ReviewDesk.Reviewer, id));
        using var admin = app.Admin();
        // Signed in on this app's real port, where the client follows the redirect to the dashboard.
        using var staff = desk.Browser();
        Assert.Equal("/api/dashboard/2026-H1", (await Staff.SignInAsync(staff, TestApp.AdminKey)).RequestMessage!.RequestUri!.AbsolutePath);
        var pages = new[]
        {
            ("mail", mail.Html!),
            ("review page", await ReviewDesk.PageAsync(desk.Browser(), ReviewDesk.LinkIn(mail))),
            ("dashboard page", await staff.GetStringAsync("/api/dashboard/2026-H1/units/HU-KIMTHANH", Ct)),
        };
        foreach (var (where, html) in pages)
        {
            // Read as a browser would: had the markup gone out as markup, the parser would have made elements of it.
            var page = HtmlPage.Parse(html);
            Assert.True(page.All("script").All(s => s.GetAttribute("src")?.StartsWith("/api/", StringComparison.Ordinal) == true), $"a script of the unit's is in the {where}: {html}");
            Assert.True(page.All("img[src=x]").Count == 0, $"the unit's image is in the {where}: {html}");
            Assert.True(!page.All("*").Any(e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase))), $"an event handler is in the {where}: {html}");
            Assert.True(page.Text.Contains(markup, StringComparison.Ordinal), $"the {where} does not show the unit's text as typed: {html}");
        }
        foreach (var export in new[] { "export.xlsx", "export.csv", "export.docx" })
        {
            using var response = await admin.GetAsync($"/api/periods/2026-H1/{export}", Ct);
            Assert.True(response.IsSuccessStatusCode, $"{export}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        }
        var csv = await admin.GetStringAsync("/api/periods/2026-H1/export.csv", Ct);
        Assert.DoesNotContain(",=HYPERLINK", csv, StringComparison.Ordinal);
        Assert.DoesNotContain(",\"=HYPERLINK", csv, StringComparison.Ordinal);
    }
}
