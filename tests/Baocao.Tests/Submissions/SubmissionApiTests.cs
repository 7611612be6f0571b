using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Baocao.Submissions;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;

namespace Baocao.Tests.Submissions;

/// <summary>Units submit over HTTP against the demo province; each test speaks for its own unit.</summary>
public sealed class SubmissionApiTests(DemoApp app) : IClassFixture<DemoApp>
{
    private const string VietnameseName = "Báo cáo sơ kết 6 tháng đầu năm – Đông Sơn.pdf";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<int> VersionRowsAsync(string unit) => app.Stored.VersionCountAsync(WorkflowEngine.InstanceId("2026-H1", unit));

    [Fact]
    public async Task A_good_submission_becomes_version_1_with_its_receipt_and_files_readable_back()
    {
        var unit = await Submitter.ForAsync(app, "HU-DONGSON");
        var pdf = Submitter.Pdf(300_000);

        var response = await unit.SubmitAsync(Submitter.Form(files: (VietnameseName, pdf)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/periods/2026-H1/reports/HU-DONGSON", response.Headers.Location?.OriginalString);
        var receipt = await response.ReadAsAsync<SubmissionReceipt>();
        Assert.Equal(1, receipt.Version);
        Assert.False(receipt.Late);
        Assert.Equal(TestApp.Start.ToOffset(TimeSpan.FromHours(7)), receipt.ReceivedAt);
        Assert.Equal(TimeSpan.FromHours(7), receipt.ReceivedAt.Offset);
        Assert.Matches("^[0-9a-f]{64}$", receipt.Receipt);
        var file = Assert.Single(receipt.Attachments);
        Assert.Equal(VietnameseName, file.FileName);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pdf)), file.Sha256);

        var report = await (await unit.Client.GetAsync(unit.ReportPath(), Ct)).ReadAsAsync<ReportView>();
        Assert.Equal(ReportState.Submitted, report.State);
        Assert.Equal("đã nộp", report.StateName);
        var version = Assert.Single(report.Versions);
        Assert.Equal(7, version.Values["KT_TONG"].GetInt32()); // 1 bằng khen + 6 giấy khen, computed
        Assert.Equal("Tiếp tục nhân rộng mô hình \"Dân vận khéo\".", version.Narratives["PHUONG-HUONG"]);
        var submitted = Assert.Single(report.History);
        Assert.Equal((ReportTrigger.Submit, "HU-DONGSON", WorkflowChannel.Api, 1), (submitted.Event, submitted.Actor, submitted.Channel, submitted.Version));

        var download = await unit.Client.GetAsync(file.Href, Ct);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(pdf, await download.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        var disposition = download.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal(VietnameseName, Uri.UnescapeDataString(disposition.FileNameStar!.Replace("UTF-8''", "", StringComparison.Ordinal)));
        Assert.Contains("filename*=UTF-8''B%C3%A1o%20c%C3%A1o", download.Content.Headers.GetValues("Content-Disposition").Single(), StringComparison.Ordinal);

        // The province reads the same report with the admin key.
        var seenByProvince = await (await app.Admin().GetAsync(unit.ReportPath(), Ct)).ReadAsAsync<ReportView>();
        Assert.Equal(report.Versions.Single().Receipt, seenByProvince.Versions.Single().Receipt);
    }

    [Fact]
    public async Task A_corrected_submission_makes_version_2_and_version_1_stays_readable()
    {
        var unit = await Submitter.ForAsync(app, "HU-KIMTHANH");
        var first = await (await unit.SubmitAsync(Submitter.Form(files: ("ban-dau.pdf", Submitter.Pdf(1000))))).ReadAsAsync<SubmissionReceipt>();
        var second = await (await unit.SubmitAsync(Submitter.Form(Submitter.GoodReport.Replace("126", "127", StringComparison.Ordinal)))).ReadAsAsync<SubmissionReceipt>();

        Assert.Equal((1, 2), (first.Version, second.Version));
        Assert.NotEqual(first.Receipt, second.Receipt);
        var report = await (await unit.Client.GetAsync(unit.ReportPath(), Ct)).ReadAsAsync<ReportView>();
        Assert.Equal([1, 2], report.Versions.Select(v => v.Version));
        Assert.Equal([126, 127], report.Versions.Select(v => v.Values["DVK_TONG"].GetInt32()));
        Assert.Equal(Submitter.Pdf(1000), await unit.Client.GetByteArrayAsync(report.Versions[0].Attachments.Single().Href, Ct));
        Assert.Empty(report.Versions[1].Attachments);
    }

    [Fact]
    public async Task The_same_idempotency_key_with_the_same_report_returns_the_first_receipt_and_writes_nothing()
    {
        var unit = await Submitter.ForAsync(app, "HU-PHULOC");
        var key = Guid.NewGuid().ToString();
        var first = await unit.SubmitAsync(Submitter.Form(files: ("so-lieu.pdf", Submitter.Pdf(5000))), idempotencyKey: key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var before = await app.SnapshotAsync();

        // A retry after a timeout: same content, a new multipart framing (HttpClient picks a fresh boundary).
        var retry = await unit.SubmitAsync(Submitter.Form(files: ("so-lieu.pdf", Submitter.Pdf(5000))), idempotencyKey: key);

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues(SubmissionsApi.ReplayedHeader).Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await retry.Content.ReadAsStringAsync(Ct));
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task The_same_idempotency_key_with_another_report_is_refused_with_422_and_writes_nothing()
    {
        var unit = await Submitter.ForAsync(app, "TXU-BINHMINH");
        var key = Guid.NewGuid().ToString();
        await (await unit.SubmitAsync(Submitter.Form(), idempotencyKey: key)).ReadAsAsync<SubmissionReceipt>();
        var before = await app.SnapshotAsync();

        var other = await unit.SubmitAsync(Submitter.Form(Submitter.GoodReport.Replace("126", "125", StringComparison.Ordinal), ("them.pdf", Submitter.Pdf(2000))), idempotencyKey: key);

        await other.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task A_retry_storm_with_one_idempotency_key_yields_exactly_one_version()
    {
        var unit = await Submitter.ForAsync(app, "DUQS");
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ =>
            unit.SubmitAsync(Submitter.Form(files: ("bao-cao.pdf", Submitter.Pdf(64 * 1024))), idempotencyKey: key)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync(Ct)));
        Assert.Single(bodies.Distinct());
        Assert.Equal(1, await VersionRowsAsync("DUQS"));
        Assert.Equal(23, responses.Count(r => r.Headers.Contains(SubmissionsApi.ReplayedHeader)));
        // Only the winner's file is left; the others removed theirs.
        Assert.Single(await app.Stored.AttachmentsAsync("2026-H1/DUQS/"));
    }

    [Fact]
    public async Task A_key_for_another_unit_gets_403_that_says_nothing_about_that_unit()
    {
        var unit = await Submitter.ForAsync(app, "DUCA");
        var existing = await unit.Client.PostAsync("/api/periods/2026-H1/reports/HND/submissions", Submitter.Form(), Ct);
        var missing = await unit.Client.PostAsync("/api/periods/2026-H1/reports/KHONG-CO/submissions", Submitter.Form(), Ct);

        var a = await existing.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var b = await missing.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(a.GetProperty("detail").GetString(), b.GetProperty("detail").GetString());
        Assert.DoesNotContain("HND", a.GetRawText(), StringComparison.Ordinal);
        await (await unit.Client.GetAsync("/api/periods/2026-H1/reports/HND", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await app.Anonymous().GetAsync("/api/periods/2026-H1/reports/HND", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    public static TheoryData<string, Func<MultipartFormDataContent>, HttpStatusCode, string> BadSubmissions => new()
    {
        { "figures that break the template", () => Submitter.Form("""{ "values": { "DVK_TONG": -1, "KHONG_CO": 3 }, "narratives": { "TINH-HINH": "x" } }"""), HttpStatusCode.UnprocessableEntity, "below-min" },
        { "a report part that is not JSON", () => Submitter.Form("báo cáo không phải JSON"), HttpStatusCode.BadRequest, "malformed-json" },
        { "no report part", () => Submitter.Form(null, ("a.pdf", Submitter.Pdf(100))), HttpStatusCode.BadRequest, "missing-report" },
        { "two report parts", () => { var f = Submitter.Form(); f.Add(new StringContent(Submitter.GoodReport, Encoding.UTF8, "application/json"), "report"); return f; }, HttpStatusCode.BadRequest, "duplicate-part" },
        { "a path-like file name", () => Submitter.Form(files: ("../../etc/passwd.pdf", Submitter.Pdf(100))), HttpStatusCode.BadRequest, "invalid-file-name" },
        { "a control character in a file name", () => Submitter.Form(files: ("bao\u0007cao.pdf", Submitter.Pdf(100))), HttpStatusCode.BadRequest, "invalid-file-name" },
        { "a bidi override hiding the extension", () => Submitter.Form(files: ("hoso\u202Efdp.exe.pdf", Submitter.Pdf(100))), HttpStatusCode.BadRequest, "invalid-file-name" },
        { "an empty file", () => Submitter.Form(files: ("rong.pdf", [])), HttpStatusCode.BadRequest, "empty-file" },
        { "a PNG named .pdf", () => Submitter.Form(files: ("anh.pdf", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2])), HttpStatusCode.UnsupportedMediaType, "content-mismatch" },
        { "an executable", () => Submitter.Form(files: ("chay.exe", [0x4D, 0x5A, 0x90, 0])), HttpStatusCode.UnsupportedMediaType, "unsupported-file-type" },
    };

    [Theory]
    [MemberData(nameof(BadSubmissions))]
    public async Task A_bad_submission_gets_a_clear_problem_and_writes_nothing(string why, Func<MultipartFormDataContent> body, HttpStatusCode status, string code)
    {
        var unit = await Submitter.ForAsync(app, "HLHPN");
        var before = await app.SnapshotAsync();

        var problem = await (await unit.SubmitAsync(body())).ShouldBeProblemAsync(status, code);

        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), why);
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Errors_in_the_figures_name_each_field_under_report()
    {
        var unit = await Submitter.ForAsync(app, "HND");
        var problem = await (await unit.SubmitAsync(Submitter.Form("""{ "values": { "DVK_TONG": -1, "KHONG_CO": 3, "KT_TONG": 9 }, "narratives": { "TINH-HINH": "Ổn định." } }""")))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        var pointers = problem.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("pointer").GetString()!, e => e.GetProperty("code").GetString());
        Assert.Equal("below-min", pointers["/report/values/DVK_TONG"]);
        Assert.Equal("unknown-indicator", pointers["/report/values/KHONG_CO"]);
        Assert.Equal("derived-value", pointers["/report/values/KT_TONG"]);
        Assert.Equal("required", pointers["/report/narratives/PHUONG-HUONG"]);
    }

    [Fact]
    public async Task A_body_that_breaks_off_or_has_no_boundary_writes_nothing()
    {
        var unit = await Submitter.ForAsync(app, "HCCB");
        var before = await app.SnapshotAsync();
        var form = Submitter.Form(files: ("mot-nua.pdf", Submitter.Pdf(200_000)));
        var bytes = await form.ReadAsByteArrayAsync(Ct);
        var truncated = new ByteArrayContent(bytes[..(bytes.Length / 2)]);
        truncated.Headers.ContentType = form.Headers.ContentType;
        await (await unit.SubmitAsync(truncated)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "truncated-multipart");

        var noBoundary = new ByteArrayContent(bytes);
        noBoundary.Headers.ContentType = new MediaTypeHeaderValue("multipart/form-data");
        await (await unit.SubmitAsync(noBoundary)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "missing-boundary");

        var json = new StringContent(Submitter.GoodReport, Encoding.UTF8, "application/json");
        await (await unit.SubmitAsync(json)).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);

        await (await unit.SubmitAsync(Submitter.Form(), idempotencyKey: "có dấu")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-idempotency-key");
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task A_period_that_is_not_open_or_does_not_include_the_unit_is_refused_and_nothing_is_written()
    {
        var admin = app.Admin();
        var draft = """
            { "type": "thematic", "year": 2026, "id": "CD-QCDC-2026", "name": "Báo cáo chuyên đề dân chủ ở cơ sở", "templateCode": "SK6T",
              "dataFrom": "2026-01-01", "dataTo": "2026-10-31", "deadline": "2026-12-15T17:00",
              "scope": { "units": [ "TINHDOAN" ] },
              "stages": [ { "code": "THAM-DINH", "name": "Chuyên viên thẩm định", "assignees": [ { "name": "Nguyễn Thị Thu Hà", "email": "thuha.bdv@anhoa.example" } ] } ] }
            """;
        await (await admin.PostJsonAsync("/api/catalog/periods", draft)).ReadAsAsync<JsonElement>();
        var member = await Submitter.ForAsync(app, "TINHDOAN");
        var outsider = await Submitter.ForAsync(app, "LDLD");
        var before = await app.SnapshotAsync();

        await (await member.SubmitAsync(Submitter.Form(), "CD-QCDC-2026")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await app.AssertUnchangedSinceAsync(before);
        await (await admin.PostAsync("/api/catalog/periods/CD-QCDC-2026/open", null, Ct)).ReadAsAsync<JsonElement>();
        await app.ReportsStartedAsync("CD-QCDC-2026");
        before = await app.SnapshotAsync();
        await (await outsider.SubmitAsync(Submitter.Form(), "CD-QCDC-2026")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await outsider.SubmitAsync(Submitter.Form(), "KHONG-CO-KY")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await app.AssertUnchangedSinceAsync(before);

        await (await admin.PostAsync("/api/catalog/periods/CD-QCDC-2026/close", null, Ct)).ReadAsAsync<JsonElement>();
        await app.PeriodSettledAsync("CD-QCDC-2026");
        before = await app.SnapshotAsync();
        var closed = await (await member.SubmitAsync(Submitter.Form(), "CD-QCDC-2026")).ShouldBeProblemAsync(HttpStatusCode.Conflict, "period-closed");
        Assert.Contains("đã đóng", closed.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await app.AssertUnchangedSinceAsync(before);
    }
}
