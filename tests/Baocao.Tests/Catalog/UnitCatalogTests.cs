using System.Net;
using System.Text;
using Baocao.Catalog;
using Baocao.Tests.Infrastructure;

namespace Baocao.Tests.Catalog;

public sealed class UnitCatalogTests(DemoApp app) : IClassFixture<DemoApp>
{
    private readonly HttpClient _admin = app.Admin();

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    /// <summary>A unit saved under the province joins the open demo period, whose reports follow in the background; a later test's snapshot must not see them arrive.</summary>
    private Task ScopeSettledAsync() => app.ReportsStartedAsync(app.DemoPeriodId);

    [Fact]
    public async Task Demo_province_has_its_member_units_under_the_province_committee()
    {
        var units = await (await _admin.GetAsync("/api/catalog/units", TestContext.Current.CancellationToken)).ReadAsAsync<List<OrgUnit>>();
        Assert.Equal("Ban Dân vận Tỉnh ủy An Hòa", units.Single(u => u.Parent is null).Name);
        Assert.True(units.Count(u => u.Parent == "BDV-TU") >= 12);
        Assert.Contains(units, u => u.Level == "LLVT");
        Assert.Contains(units, u => u.Level == "MTTQ");
    }

    [Fact]
    public async Task Csv_import_keeps_vietnamese_names_and_reports_created_and_updated()
    {
        var csv = "\uFEFFcode,name,level,parent,officerName,officerEmail\n" +
                  "HU-XUANLOC,Ban Dân vận Huyện ủy Xuân Lộc,HUYEN,BDV-TU,Đinh Thị Ngân,ngan.xuanloc@anhoa.example\n" +
                  "HLHPN,Hội Liên hiệp Phụ nữ tỉnh An Hòa,CTXH,BDV-TU,,\n";
        var result = await (await _admin.PostAsync("/api/catalog/units/import", Csv(csv), TestContext.Current.CancellationToken)).ReadAsAsync<ImportResult>();
        Assert.Equal(new ImportResult(1, 1), result);
        var unit = await (await _admin.GetAsync("/api/catalog/units/hu-xuanloc", TestContext.Current.CancellationToken)).ReadAsAsync<OrgUnit>();
        Assert.Equal("Ban Dân vận Huyện ủy Xuân Lộc", unit.Name);
        Assert.Equal("ngan.xuanloc@anhoa.example", unit.ReportingOfficer!.Email);
        await ScopeSettledAsync();
    }

    [Fact]
    public async Task Decomposed_vietnamese_is_stored_composed()
    {
        var decomposed = "Hội Người cao tuổi tỉnh".Normalize(NormalizationForm.FormD);
        var json = $$"""{"code":"HNCT","name":"{{decomposed}}","level":"CTXH","parent":"BDV-TU"}""";
        var unit = await (await _admin.PutJsonAsync("/api/catalog/units/HNCT", json)).ReadAsAsync<OrgUnit>();
        Assert.Equal("Hội Người cao tuổi tỉnh".Normalize(NormalizationForm.FormC), unit.Name);
        await ScopeSettledAsync();
    }

    [Fact]
    public async Task A_cycle_in_the_unit_tree_is_rejected_and_nothing_is_written()
    {
        var before = await app.SnapshotAsync();
        var json = """
            [
              {"code":"CYCLE-A","name":"Đơn vị A","level":"HUYEN","parent":"CYCLE-B"},
              {"code":"CYCLE-B","name":"Đơn vị B","level":"HUYEN","parent":"CYCLE-A"}
            ]
            """;
        var problem = await (await _admin.PostJsonAsync("/api/catalog/units/import", json)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "parent-cycle");
        Assert.Equal("/0/parent", problem.Error("parent-cycle").GetProperty("pointer").GetString());
        Assert.Contains("vòng lặp", problem.Error("parent-cycle").GetProperty("detail").GetString());
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Moving_a_unit_under_its_own_descendant_is_a_cycle()
    {
        var before = await app.SnapshotAsync();
        var json = """{"code":"BDV-TU","name":"Ban Dân vận Tỉnh ủy An Hòa","level":"TINH","parent":"MTTQ"}""";
        await (await _admin.PutJsonAsync("/api/catalog/units/BDV-TU", json)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "parent-cycle");
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task An_unknown_parent_is_rejected_and_nothing_is_written()
    {
        var before = await app.SnapshotAsync();
        var json = """[{"code":"HU-MOI","name":"Ban Dân vận Huyện ủy Mới","level":"HUYEN","parent":"KHONG-CO"}]""";
        var problem = await (await _admin.PostJsonAsync("/api/catalog/units/import", json)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-parent");
        Assert.Contains("KHONG-CO", problem.GetProperty("detail").GetString());
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Duplicate_codes_in_one_import_are_rejected_and_nothing_is_written()
    {
        var before = await app.SnapshotAsync();
        var csv = "code,name,level,parent\nHU-TRUNG,Huyện A,HUYEN,BDV-TU\nhu-trung,Huyện B,HUYEN,BDV-TU\n";
        var problem = await (await _admin.PostAsync("/api/catalog/units/import", Csv(csv), TestContext.Current.CancellationToken))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "duplicate-code");
        Assert.Equal(3, problem.Error("duplicate-code").GetProperty("line").GetInt32());
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Creating_a_unit_whose_code_exists_is_a_conflict_and_changes_nothing()
    {
        var before = await app.SnapshotAsync();
        var json = """{"code":"MTTQ","name":"Trùng mã","level":"MTTQ","parent":"BDV-TU"}""";
        await (await _admin.PostJsonAsync("/api/catalog/units", json)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "duplicate-code");
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Unknown_level_bad_email_and_bad_code_are_all_reported_together()
    {
        var before = await app.SnapshotAsync();
        var json = """[{"code":"BAD CODE","name":"X","level":"HUYEN"},{"code":"OK1","name":"Y","level":"XA","parent":"BDV-TU","head":{"name":"Z","email":"khong-phai-email"}}]""";
        var problem = await (await _admin.PostJsonAsync("/api/catalog/units/import", json)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        var codes = ProblemAssertions.Codes(problem);
        Assert.Contains("invalid-code", codes);
        Assert.Contains("unknown-level", codes);
        Assert.Contains("invalid-email", codes);
        Assert.Equal("/1/head/email", problem.Error("invalid-email").GetProperty("pointer").GetString());
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Malformed_json_names_the_line_and_writes_nothing()
    {
        var before = await app.SnapshotAsync();
        var json = "[\n  {\"code\": \"HU-X\",\n   \"name\": \"Huyện X\"\n   \"level\": \"HUYEN\"}\n]";
        var problem = await (await _admin.PostJsonAsync("/api/catalog/units/import", json)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        Assert.Equal(4, problem.Error("malformed-json").GetProperty("line").GetInt32());
        Assert.Contains("dòng 4", problem.GetProperty("detail").GetString());
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Unknown_fields_are_refused_with_their_pointer()
    {
        var before = await app.SnapshotAsync();
        var json = """[{"code":"HU-Y","name":"Huyện Y","level":"HUYEN","parent":"BDV-TU","fax":"0123"}]""";
        var problem = await (await _admin.PostJsonAsync("/api/catalog/units/import", json)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "unknown-field");
        Assert.Equal("/0/fax", problem.Error("unknown-field").GetProperty("pointer").GetString());
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Missing_required_fields_are_refused()
    {
        var before = await app.SnapshotAsync();
        await (await _admin.PostJsonAsync("/api/catalog/units", """{"code":"HU-Z"}""")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "missing-field");
        await (await _admin.PostJsonAsync("/api/catalog/units", """{"code":"HU-Z","name":null,"level":"HUYEN"}""")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-value");
        await app.AssertUnchangedSinceAsync(before);
    }

    [Theory]
    [InlineData("code,name,level\nHU-Q,\"Huyện Q,HUYEN\n", 2)]
    [InlineData("code,name,level,parent\nHU-Q,Huyện Q,HUYEN\n", 2)]
    [InlineData("code,name,level\nHU-Q,Huyện Q,HUYEN\nHU-R,Huyện R,HUYEN,BDV-TU,thừa\n", 3)]
    [InlineData("code,name,level,fax\nHU-Q,Huyện Q,HUYEN,0123\n", 1)]
    [InlineData("code,name\nHU-Q,Huyện Q\n", 1)]
    public async Task Malformed_csv_names_the_line_and_writes_nothing(string csv, int line)
    {
        var before = await app.SnapshotAsync();
        var problem = await (await _admin.PostAsync("/api/catalog/units/import", Csv(csv), TestContext.Current.CancellationToken))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(line, problem.GetProperty("errors")[0].GetProperty("line").GetInt32());
        Assert.Contains($"Dòng {line}", problem.GetProperty("detail").GetString());
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Import_in_another_format_is_unsupported()
    {
        var response = await _admin.PostAsync("/api/catalog/units/import", new StringContent("<units/>", Encoding.UTF8, "application/xml"), TestContext.Current.CancellationToken);
        await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Catalogue_needs_the_admin_key()
    {
        using var anonymous = app.Anonymous();
        await (await anonymous.GetAsync("/api/catalog/units", TestContext.Current.CancellationToken)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        anonymous.Presenting("wrong-key-wrong-key");
        await (await anonymous.GetAsync("/api/catalog/units", TestContext.Current.CancellationToken)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Levels_can_be_renamed_but_not_removed_while_used()
    {
        var levels = await (await _admin.GetAsync("/api/catalog/levels", TestContext.Current.CancellationToken)).ReadAsAsync<List<OrgLevel>>();
        var renamed = levels.Select(l => l.Code == "HUYEN" ? l with { Name = "Ban Dân vận cấp huyện (cũ)" } : l).ToList();
        var saved = await (await _admin.PutJsonAsync("/api/catalog/levels", Baocao.Catalog.CatalogStore.Serialize(renamed))).ReadAsAsync<List<OrgLevel>>();
        Assert.Equal("Ban Dân vận cấp huyện (cũ)", saved.Single(l => l.Code == "HUYEN").Name);

        var before = await app.SnapshotAsync();
        var withoutArmedForces = levels.Where(l => l.Code != "LLVT").ToList();
        var problem = await (await _admin.PutJsonAsync("/api/catalog/levels", Baocao.Catalog.CatalogStore.Serialize(withoutArmedForces)))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "level-in-use");
        Assert.Contains("LLVT", problem.GetProperty("detail").GetString());
        await app.AssertUnchangedSinceAsync(before);
    }
}
