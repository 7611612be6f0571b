using System.Net;
using Baocao.Catalog;
using Baocao.Tests.Infrastructure;

namespace Baocao.Tests.Catalog;

/// <summary>
/// Levels one at a time: added, renamed and retired without sending the whole list, and removed once no unit carries
/// them; a province that starts without the demo keeps no level of it.
/// </summary>
public sealed class LevelCatalogTests(DemoApp demo, TestApp empty) : IClassFixture<DemoApp>, IClassFixture<TestApp>
{
    private readonly HttpClient _admin = demo.Admin();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Level(string code, string name, int order = 5, bool retired = false) =>
        $$"""{ "code": "{{code}}", "name": "{{name}}", "order": {{order}}, "retired": {{(retired ? "true" : "false")}} }""";

    private static string Unit(string level, bool active) => $$"""
        { "code": "CUM-THI-DUA-1", "name": "Cụm thi đua số 1", "level": "{{level}}", "parent": "BDV-TU", "active": {{(active ? "true" : "false")}} }
        """;

    private static async Task<List<OrgLevel>> LevelsAsync(HttpClient admin) =>
        await (await admin.GetAsync("/api/catalog/levels", Ct)).ReadAsAsync<List<OrgLevel>>();

    [Fact]
    public async Task A_level_is_added_renamed_and_deleted_alone_and_the_others_stay_as_they_were()
    {
        var before = await LevelsAsync(_admin);

        var added = await _admin.PutJsonAsync("/api/catalog/levels/xa", Level("xa", "Đảng ủy xã, phường"));
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal("/api/catalog/levels/XA", added.Headers.Location?.OriginalString);
        var renamed = await _admin.PutJsonAsync("/api/catalog/levels/XA", Level("XA", "Đảng ủy xã, phường, đặc khu", order: 2));
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var levels = await LevelsAsync(_admin);
        Assert.Equal(("Đảng ủy xã, phường, đặc khu", 2), (levels.Single(l => l.Code == "XA").Name, levels.Single(l => l.Code == "XA").Order));
        Assert.Equal(before, levels.Where(l => l.Code != "XA"));

        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/api/catalog/levels/XA", Ct)).StatusCode);
        Assert.Equal(before, await LevelsAsync(_admin));
        await (await _admin.DeleteAsync("/api/catalog/levels/XA", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_level_carried_by_active_units_is_neither_retired_nor_deleted_and_a_retired_level_takes_no_active_unit()
    {
        (await _admin.PutJsonAsync("/api/catalog/levels/CUM", Level("CUM", "Cụm thi đua"))).EnsureSuccessStatusCode();
        (await _admin.PostJsonAsync("/api/catalog/units", Unit("CUM", active: true))).EnsureSuccessStatusCode();
        await demo.ReportsStartedAsync(demo.DemoPeriodId);
        var before = await demo.SnapshotAsync();

        var retire = await (await _admin.PutJsonAsync("/api/catalog/levels/CUM", Level("CUM", "Cụm thi đua", retired: true)))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "level-in-use");
        Assert.Contains("CUM-THI-DUA-1", retire.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var delete = await (await _admin.DeleteAsync("/api/catalog/levels/CUM", Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "level-in-use");
        Assert.Contains("CUM-THI-DUA-1", delete.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await demo.AssertUnchangedSinceAsync(before);

        // Once its last unit stopped, the level is retired: the stopped unit keeps it, an active one cannot take it.
        (await _admin.PutJsonAsync("/api/catalog/units/CUM-THI-DUA-1", Unit("CUM", active: false))).EnsureSuccessStatusCode();
        await demo.ReportsStartedAsync(demo.DemoPeriodId);
        var retired = await (await _admin.PutJsonAsync("/api/catalog/levels/CUM", Level("CUM", "Cụm thi đua", retired: true))).ReadAsAsync<OrgLevel>();
        Assert.True(retired.Retired);
        before = await demo.SnapshotAsync();
        var reactivated = await (await _admin.PutJsonAsync("/api/catalog/units/CUM-THI-DUA-1", Unit("CUM", active: true)))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "retired-level");
        Assert.Equal("/level", reactivated.Error("retired-level").GetProperty("pointer").GetString());
        await (await _admin.DeleteAsync("/api/catalog/levels/CUM", Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "level-in-use");
        await demo.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Bad_levels_are_refused_with_problem_details_and_write_nothing()
    {
        var before = await demo.SnapshotAsync();
        var bad = new (string Path, string Body, HttpStatusCode Status, string? Code)[]
        {
            ("XA", Level("PHUONG", "Đảng ủy phường"), HttpStatusCode.UnprocessableEntity, "code-mismatch"),
            ("XA SAI", Level("XA SAI", "Đảng ủy xã"), HttpStatusCode.UnprocessableEntity, "invalid-code"),
            ("XA", Level("XA", " "), HttpStatusCode.UnprocessableEntity, "invalid-name"),
            ("XA", """{ "code": "XA", "name": "Đảng ủy xã", "order": "hai" }""", HttpStatusCode.BadRequest, null),
        };
        foreach (var (path, body, status, code) in bad)
        {
            await (await _admin.PutJsonAsync($"/api/catalog/levels/{Uri.EscapeDataString(path)}", body)).ShouldBeProblemAsync(status, code);
        }
        await (await _admin.PutAsync("/api/catalog/levels/XA", new StringContent(Level("XA", "Đảng ủy xã")), Ct)).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        await demo.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task A_province_started_without_demo_data_has_only_the_levels_it_adds()
    {
        var admin = empty.Admin();
        Assert.Empty(await LevelsAsync(admin));

        (await admin.PutJsonAsync("/api/catalog/levels/TINH", Level("TINH", "Ban Dân vận Tỉnh ủy", order: 0))).EnsureSuccessStatusCode();
        (await admin.PutJsonAsync("/api/catalog/levels/XA", Level("XA", "Đảng ủy xã, phường", order: 1))).EnsureSuccessStatusCode();

        Assert.Equal(["TINH", "XA"], (await LevelsAsync(admin)).Select(l => l.Code));
    }
}
