using System.Net.Http.Headers;
using System.Text;
using Baocao.Submissions;
using Baocao.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Submissions;

public sealed class SubmissionReaderTests(TestApp app) : IClassFixture<TestApp>
{
    private static readonly byte[] PdfHead = "%PDF-1.7\n"u8.ToArray();
    private const string Report = """{ "values": { "DVK_TONG": 2000 }, "narratives": { "TINH-HINH": "Ổn định." } }""";

    private SubmissionReader Reader => app.Factory.Services.GetRequiredService<SubmissionReader>();

    private static MultipartFormDataContent Form(string? report = Report)
    {
        var form = new MultipartFormDataContent("ranh-gioi-bao-cao");
        if (report is not null) form.Add(new StringContent(report, Encoding.UTF8, "application/json"), "report");
        return form;
    }

    private static void AddFile(MultipartFormDataContent form, string fileName, byte[] content, string part = "attachments")
    {
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = part, FileNameStar = fileName };
        form.Add(file);
    }

    private static byte[] Pdf(int size) => [.. PdfHead, .. Enumerable.Repeat((byte)'x', size - PdfHead.Length)];

    private static async Task<HttpRequest> RequestAsync(HttpContent content, Func<byte[], byte[]>? mangle = null, bool withLength = true, string? contentType = null)
    {
        var bytes = await content.ReadAsByteArrayAsync();
        bytes = mangle?.Invoke(bytes) ?? bytes;
        var context = new DefaultHttpContext();
        context.Request.ContentType = contentType ?? content.Headers.ContentType!.ToString();
        context.Request.ContentLength = withLength ? bytes.Length : null;
        context.Request.Body = new MemoryStream(bytes);
        return context.Request;
    }

    private async Task<int> VisibleBlobsAsync(string prefix) => (await app.Stored.AttachmentsAsync(prefix)).Count;

    private static string Prefix() => $"reader/{Guid.NewGuid():n}";

    [Fact]
    public async Task A_report_and_its_files_are_read_with_vietnamese_names_and_staged_invisibly()
    {
        using var form = Form();
        AddFile(form, "Báo cáo sơ kết.pdf", Pdf(300_000));
        AddFile(form, "Danh sách mô hình Dân vận khéo.pdf", Pdf(5_000));
        var prefix = Prefix();

        var read = await Reader.ReadAsync(await RequestAsync(form), prefix, TestContext.Current.CancellationToken);

        Assert.Null(read.Problem);
        Assert.Equal(2000, read.Value!.Report.Values!["DVK_TONG"].GetInt32());
        Assert.Equal(["Báo cáo sơ kết.pdf", "Danh sách mô hình Dân vận khéo.pdf"], read.Value.Attachments.Select(a => a.Attachment.FileName));
        Assert.Equal(300_000, read.Value.Attachments[0].Attachment.Size);
        Assert.Equal(0, await VisibleBlobsAsync(prefix));
    }

    public static TheoryData<string, int, string> BrokenForms => new()
    {
        { "truncated", 400, "truncated-multipart" },
        { "no-boundary", 400, "missing-boundary" },
        { "not-multipart", 415, "unsupported-media-type" },
        { "no-length", 411, "length-required" },
        { "report-not-json", 400, "malformed-json" },
        { "two-reports", 400, "duplicate-part" },
        { "unknown-part", 400, "unknown-part" },
        { "no-report", 400, "missing-report" },
        { "lying-file", 415, "content-mismatch" },
        { "empty-file", 400, "empty-file" },
        { "path-name", 400, "invalid-file-name" },
        { "too-many-parts", 413, "too-many-parts" },
    };

    [Theory]
    [MemberData(nameof(BrokenForms))]
    public async Task A_broken_submission_is_refused_with_a_clear_problem_and_leaves_no_visible_blob(string broken, int status, string code)
    {
        using var form = Form(broken is "report-not-json" ? "{ \"values\": " : broken is "no-report" ? null : Report);
        AddFile(form, "Báo cáo.pdf", Pdf(200_000));
        switch (broken)
        {
            case "two-reports": form.Add(new StringContent(Report, Encoding.UTF8, "application/json"), "report"); break;
            case "unknown-part": form.Add(new StringContent("x"), "ghichu"); break;
            case "lying-file": AddFile(form, "anh.pdf", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]); break;
            case "empty-file": AddFile(form, "trong.pdf", []); break;
            case "path-name": AddFile(form, "../../bao-cao.pdf", Pdf(100)); break;
            case "too-many-parts": for (var i = 0; i < 101; i++) AddFile(form, $"tep-{i}.pdf", Pdf(20)); break;
        }
        var request = await RequestAsync(form,
            mangle: broken == "truncated" ? bytes => bytes[..(bytes.Length / 2)] : null,
            withLength: broken != "no-length",
            contentType: broken switch { "no-boundary" => "multipart/form-data", "not-multipart" => "application/json", _ => null });
        var prefix = Prefix();

        var read = await Reader.ReadAsync(request, prefix, TestContext.Current.CancellationToken);

        var problem = Assert.IsType<ProblemHttpResult>(read.Problem);
        Assert.Equal(status, problem.StatusCode);
        Assert.EndsWith(code, problem.ProblemDetails.Type);
        Assert.False(string.IsNullOrWhiteSpace(problem.ProblemDetails.Detail));
        Assert.Equal(0, await VisibleBlobsAsync(prefix));
    }

    [Fact]
    public async Task Pointers_inside_the_report_part_start_with_report()
    {
        using var form = Form("""{ "values": {}, "ghiChu": "x" }""");
        var read = await Reader.ReadAsync(await RequestAsync(form), Prefix(), TestContext.Current.CancellationToken);
        var errors = (IEnumerable<Baocao.Hosting.FieldError>)read.Problem!.ProblemDetails.Extensions["errors"]!;
        Assert.Equal("/report/ghiChu", Assert.Single(errors).Pointer);
    }
}
