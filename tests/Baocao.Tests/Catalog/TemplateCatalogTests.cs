using System.Net;
using Baocao.Catalog;
using Baocao.Tests.Infrastructure;

namespace Baocao.Tests.Catalog;

public sealed class TemplateCatalogTests(TestApp app) : IClassFixture<TestApp>
{
    private readonly HttpClient _admin = app.Admin();

    private static string Template(string code, string indicators) => $$"""
        {
          "code": "{{code}}",
          "name": "Báo cáo chuyên đề Dân vận khéo",
          "sections": [
            { "code": "KQ", "title": "Kết quả", "guidance": "Nêu kết quả nổi bật.", "indicators": [ {{indicators}} ] }
          ]
        }
        """;

    private const string ValidIndicators = """
        { "code": "TONG", "name": "Tổng số mô hình", "type": "integer", "required": true, "min": 0 },
        { "code": "MOI", "name": "Trong đó: mới", "type": "integer", "partOf": "TONG" },
        { "code": "BK", "name": "Bằng khen", "type": "integer" },
        { "code": "GK", "name": "Giấy khen", "type": "integer" },
        { "code": "KT", "name": "Tổng khen thưởng", "type": "integer", "sumOf": ["BK", "GK"] }
        """;

    [Fact]
    public async Task Editing_a_template_makes_a_new_version_and_keeps_the_old_one()
    {
        var v1 = await (await _admin.PostJsonAsync("/api/catalog/templates", Template("CD-DVK", ValidIndicators))).ReadAsAsync<ReportTemplate>();
        var edited = Template("CD-DVK", ValidIndicators + """, { "code": "TY_LE", "name": "Tỷ lệ", "type": "percentage", "max": 100 }""");
        var v2 = await (await _admin.PostJsonAsync("/api/catalog/templates", edited)).ReadAsAsync<ReportTemplate>();
        Assert.Equal(1, v1.Version);
        Assert.Equal(2, v2.Version);

        var latest = await (await _admin.GetAsync("/api/catalog/templates/CD-DVK", TestContext.Current.CancellationToken)).ReadAsAsync<ReportTemplate>();
        var first = await (await _admin.GetAsync("/api/catalog/templates/CD-DVK?version=1", TestContext.Current.CancellationToken)).ReadAsAsync<ReportTemplate>();
        Assert.Equal(6, latest.Indicators.Count());
        Assert.Equal(5, first.Indicators.Count());
        Assert.Equal("Kết quả", first.Sections[0].Title);
    }

    [Theory]
    [InlineData("""{ "code": "MOI", "name": "Trong đó", "type": "integer", "partOf": "KHONG_CO" }""", "unknown-indicator", "/sections/0/indicators/0/partOf")]
    [InlineData("""{ "code": "A", "name": "A", "type": "integer" }, { "code": "T", "name": "Tổng", "type": "integer", "sumOf": ["A", "KHONG_CO"] }""", "unknown-indicator", "/sections/0/indicators/1/sumOf/1")]
    [InlineData("""{ "code": "A", "name": "A", "type": "integer", "partOf": "B" }, { "code": "B", "name": "B", "type": "integer", "partOf": "A" }""", "reference-cycle", "/sections/0/indicators/0/partOf")]
    [InlineData("""{ "code": "A", "name": "A", "type": "integer", "sumOf": ["B"] }, { "code": "B", "name": "B", "type": "integer", "sumOf": ["A"] }""", "reference-cycle", "/sections/0/indicators/0/sumOf")]
    [InlineData("""{ "code": "A", "name": "A", "type": "text", "partOf": "B" }, { "code": "B", "name": "B", "type": "integer" }""", "part-of-non-number", "/sections/0/indicators/0/partOf")]
    [InlineData("""{ "code": "A", "name": "A", "type": "integer", "min": 10, "max": 1 }""", "min-above-max", "/sections/0/indicators/0/min")]
    [InlineData("""{ "code": "A", "name": "A", "type": "percentage", "max": 120 }""", "percentage-out-of-range", "/sections/0/indicators/0/max")]
    [InlineData("""{ "code": "A", "name": "A", "type": "integer" }, { "code": "a", "name": "A again", "type": "integer" }""", "duplicate-code", "/sections/0/indicators/1/code")]
    public async Task An_invalid_template_is_rejected_with_the_field_and_nothing_is_written(string indicators, string code, string pointer)
    {
        var before = await app.SnapshotAsync();
        var problem = await (await _admin.PostJsonAsync("/api/catalog/templates", Template("CD-LOI", indicators)))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal(pointer, problem.Error(code).GetProperty("pointer").GetString());
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task An_indicator_type_outside_the_list_is_malformed()
    {
        var before = await app.SnapshotAsync();
        var problem = await (await _admin.PostJsonAsync("/api/catalog/templates", Template("CD-LOI", """{ "code": "A", "name": "A", "type": "date" }""")))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-value");
        Assert.Equal("/sections/0/indicators/0/type", problem.Error("invalid-value").GetProperty("pointer").GetString());
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task An_unknown_template_is_not_found()
    {
        await (await _admin.GetAsync("/api/catalog/templates/KHONG-CO", TestContext.Current.CancellationToken)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }
}
