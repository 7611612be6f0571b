using System.Net;
using System.Text.Json;
using Baocao.Catalog;
using Baocao.Demo;
using Baocao.Storage;
using Baocao.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Hosting;

public sealed class PlatformTests(DemoApp app) : IClassFixture<DemoApp>
{
    [Fact]
    public async Task Health_reports_every_storage_service_reachable()
    {
        using var client = app.Anonymous();
        var body = JsonDocument.Parse(await client.GetStringAsync("/api/health", TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.True(body.GetProperty("ready").GetBoolean());
        foreach (var service in new[] { "tables", "blobs", "queues" })
        {
            Assert.Equal("ok", body.GetProperty("storage").GetProperty(service).GetString());
        }
    }

    [Fact]
    public async Task OpenApi_document_describes_the_catalogue_and_the_docs_page_serves()
    {
        using var client = app.Anonymous();
        var document = JsonDocument.Parse(await client.GetStringAsync("/api/openapi/v1.json", TestContext.Current.CancellationToken)).RootElement;
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/health", "/api/catalog/units/import", "/api/catalog/templates", "/api/catalog/periods/{periodId}/open" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI lacks {path}");
        }
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("apiKey", out _));
        var docs = await client.GetAsync("/api/docs/", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("text/html", docs.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task OpenApi_types_numbers_as_numbers_only_because_a_number_in_a_string_is_refused()
    {
        using var client = app.Anonymous();
        var document = JsonDocument.Parse(await client.GetStringAsync("/api/openapi/v1.json", TestContext.Current.CancellationToken)).RootElement;
        var offered = new List<string>();
        void Walk(JsonElement node, string path)
        {
            if (node.ValueKind == JsonValueKind.Object)
            {
                if (node.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array
                    && type.EnumerateArray().Select(t => t.GetString()).ToList() is var types
                    && types.Contains("string") && (types.Contains("integer") || types.Contains("number")))
                {
                    offered.Add(path);
                }
                foreach (var property in node.EnumerateObject()) Walk(property.Value, $"{path}/{property.Name}");
            }
            else if (node.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in node.EnumerateArray()) Walk(item, $"{path}/{i++}");
            }
        }
        Walk(document, "");
        Assert.Empty(offered);
        Assert.Equal("integer", document.GetProperty("components").GetProperty("schemas").GetProperty("OrgLevel").GetProperty("properties").GetProperty("order").GetProperty("type").GetString());

        var before = await app.SnapshotAsync();
        var problem = await (await app.Admin().PutJsonAsync("/api/catalog/levels", """[{"code":"TINH","name":"Cấp tỉnh","order":"1"}]"""))
            .ShouldBeProblemAsync(System.Net.HttpStatusCode.BadRequest);
        Assert.Contains("/0/order", problem.GetRawText(), StringComparison.Ordinal);
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task OpenApi_describes_the_submission_body_the_idempotency_key_and_a_receipt_example()
    {
        using var client = app.Anonymous();
        var document = JsonDocument.Parse(await client.GetStringAsync("/api/openapi/v1.json", TestContext.Current.CancellationToken)).RootElement;
        var submit = document.GetProperty("paths").GetProperty("/api/periods/{periodId}/reports/{unitId}/submissions").GetProperty("post");
        var form = submit.GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data");
        var properties = form.GetProperty("schema").GetProperty("properties");
        Assert.Contains("DVK_TONG", properties.GetProperty("report").GetProperty("examples")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal("binary", properties.GetProperty("attachments").GetProperty("items").GetProperty("format").GetString());
        Assert.Contains(submit.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "Idempotency-Key" && p.GetProperty("in").GetString() == "header");
        var created = submit.GetProperty("responses").GetProperty("201").GetProperty("content").GetProperty("application/json");
        Assert.Equal(1, created.GetProperty("example").GetProperty("version").GetInt32());
        foreach (var status in new[] { "400", "401", "403", "404", "409", "411", "413", "415", "422" })
        {
            Assert.True(submit.GetProperty("responses").TryGetProperty(status, out _), $"The submission lacks response {status}");
        }
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/periods/{periodId}/reports/{unitId}/versions/{version}/attachments/{number}", out _));
    }

    [Fact]
    public async Task Unknown_routes_answer_with_problem_details()
    {
        using var client = app.Anonymous();
        await (await client.GetAsync("/api/khong-co", TestContext.Current.CancellationToken)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Seeding_again_changes_nothing()
    {
        var before = await app.SnapshotAsync();
        foreach (var task in app.Factory.Services.GetServices<IStartupTask>())
        {
            await task.RunAsync(TestContext.Current.CancellationToken);
        }
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Demo_template_has_the_sections_and_indicators_of_a_six_month_report()
    {
        using var client = app.Admin();
        var template = await (await client.GetAsync("/api/catalog/templates/SK6T", TestContext.Current.CancellationToken)).ReadAsAsync<ReportTemplate>();
        Assert.Equal("Báo cáo sơ kết công tác dân vận 6 tháng đầu năm", template.Name);
        var codes = template.Indicators.Select(i => i.Code).ToHashSet();
        Assert.Superset(new HashSet<string> { "DVK_TONG", "TXDT_SO_CUOC", "KNTC_NHAN", "KNTC_GIAI_QUYET", "QCDC_VAN_BAN", "KT_BANG_KHEN", "KT_GIAY_KHEN" }, codes);
        Assert.Equal(["KT_BANG_KHEN", "KT_GIAY_KHEN"], template.Indicators.Single(i => i.Code == "KT_TONG").SumOf);
        Assert.Contains(template.Sections, s => s.Code == "QCDCCS");
    }

    [Fact]
    public void Demo_catalogue_file_loads_strictly()
    {
        var demo = DemoSeeder.Load();
        Assert.True(demo.Units.Count >= 13);
        Assert.Equal(5, demo.Levels.Count);
    }
}

public sealed class StorageOutageTests
{
    [Fact]
    public async Task Health_says_what_is_down_when_storage_does_not_answer()
    {
        var deadPort = LocalAzurite.FreePort();
        await using var app = new TestApp().CreateFactory(LocalAzurite.For(deadPort, deadPort, deadPort), new Dictionary<string, string?>());
        using var client = app.CreateClient();
        var response = await client.GetAsync("/api/health", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("unreachable", body.GetProperty("storage").GetProperty("tables").GetString());
        Assert.False(body.GetProperty("ready").GetBoolean());
    }
}
