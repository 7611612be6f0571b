using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using Baocao.Access;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Baocao.Tests.Infrastructure;

/// <summary>A reporting unit's side of the API, as a district's own system would call it.</summary>
public sealed class Submitter(WebApplicationFactory<Baocao.LocalHost.LocalFunctionsHost> app, string unit, string key)
{
    public static readonly byte[] PdfHead = "%PDF-1.7\n"u8.ToArray();

    /// <summary>A complete, valid report of the demo template (SK6T) with real-looking figures.</summary>
    public const string GoodReport = """
        {
          "values": { "DVK_TONG": 126, "DVK_MOI": 12, "TXDT_SO_CUOC": 8, "KNTC_NHAN": 14, "KNTC_GIAI_QUYET": 13, "KT_BANG_KHEN": 1, "KT_GIAY_KHEN": 6 },
          "narratives": { "TINH-HINH": "Tình hình Nhân dân trên địa bàn ổn định, tin tưởng vào sự lãnh đạo của Đảng.", "PHUONG-HUONG": "Tiếp tục nhân rộng mô hình \"Dân vận khéo\"." },
          "note": "Báo cáo gửi đúng hạn."
        }
        """;

    public string Unit { get; } = unit;

    public HttpClient Client { get; } = WithKey(app, key);

    /// <summary>The same unit with the same key, calling another instance of the app (started with other settings over the same storage).</summary>
    public Submitter Through(WebApplicationFactory<Baocao.LocalHost.LocalFunctionsHost> other) => new(other, Unit, key);

    private static readonly ConditionalWeakTable<TestApp, ConcurrentDictionary<string, Task<Submitter>>> Issued = new();

    /// <summary>The unit's submitter within one app: its key is issued on first use (a unit holds at most two live keys).</summary>
    public static Task<Submitter> ForAsync(TestApp app, string unit) =>
        Issued.GetOrCreateValue(app).GetOrAdd(unit, code => IssueAsync(app, code));

    public static async Task<Submitter> IssueAsync(TestApp app, string unit)
    {
        var issued = await (await app.Admin().PostAsync($"/api/catalog/units/{unit}/keys", null, TestContext.Current.CancellationToken)).ReadAsAsync<IssuedUnitKey>();
        return new Submitter(app.Factory, unit, issued.Key);
    }

    /// <summary>
    /// A client as a unit's system has one. It follows no redirects: the test factory's redirect handler copies every
    /// request body into memory to be able to resend it, which would hide what the app itself does with a large body.
    /// </summary>
    public static HttpClient WithKey(TestApp app, string key) => WithKey(app.Factory, key);

    private static HttpClient WithKey(WebApplicationFactory<Baocao.LocalHost.LocalFunctionsHost> app, string key)
    {
        return app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = app.ClientOptions.BaseAddress }).Presenting(key);
    }

    public static byte[] Pdf(int size) => [.. PdfHead, .. Enumerable.Repeat((byte)'x', size - PdfHead.Length)];

    /// <summary>A multipart body with a fresh boundary each time, as HttpClient makes it.</summary>
    public static MultipartFormDataContent Form(string? report = GoodReport, params (string Name, byte[] Content)[] files)
    {
        var form = new MultipartFormDataContent();
        if (report is not null) form.Add(new StringContent(report, Encoding.UTF8, "application/json"), "report");
        foreach (var (name, content) in files) AddFile(form, name, content);
        return form;
    }

    public static void AddFile(MultipartFormDataContent form, string fileName, HttpContent content)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "attachments", FileNameStar = fileName };
        form.Add(content);
    }

    public static void AddFile(MultipartFormDataContent form, string fileName, byte[] content) => AddFile(form, fileName, new ByteArrayContent(content));

    public string ReportPath(string period = "2026-H1") => $"/api/periods/{period}/reports/{Unit}";

    public async Task<HttpResponseMessage> SubmitAsync(HttpContent body, string period = "2026-H1", string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ReportPath(period) + "/submissions") { Content = body };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
