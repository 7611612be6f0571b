using System.Net;
using Baocao.Access;
using Baocao.Catalog;
using Baocao.Submissions;
using Baocao.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Access;

public sealed class UnitKeyTests(DemoApp app) : IClassFixture<DemoApp>
{
    private readonly HttpClient _admin = app.Admin();

    private async Task<IssuedUnitKey> IssueAsync(string unit) =>
        await (await _admin.PostAsync($"/api/catalog/units/{unit}/keys", null, TestContext.Current.CancellationToken)).ReadAsAsync<IssuedUnitKey>();

    private HttpClient UnitClient(string key) => app.Anonymous().Presenting(key);

    [Fact]
    public async Task An_issued_key_is_shown_once_and_stored_only_as_a_hash()
    {
        var issued = await IssueAsync("HND");
        Assert.StartsWith("bc_", issued.Key);
        var listed = await (await _admin.GetAsync("/api/catalog/units/HND/keys", TestContext.Current.CancellationToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain(issued.Key.Split('_', 3)[2], listed);
        Assert.Contains(issued.KeyId, listed);

        var secret = issued.Key.Split('_', 3)[2];
        Assert.All(await app.Stored.UnitKeyValuesAsync(), value => Assert.DoesNotContain(secret, value));
    }

    [Fact]
    public async Task A_unit_sees_its_open_periods_with_deadlines_and_their_template()
    {
        using var client = UnitClient((await IssueAsync("HCCB")).Key);
        var periods = await (await client.GetAsync("/api/periods?status=open", TestContext.Current.CancellationToken)).ReadAsAsync<List<UnitPeriod>>();
        var period = Assert.Single(periods, p => p.Id == "2026-H1");
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 17, 0, 0, TimeSpan.FromHours(7)), period.Deadline);

        var template = await (await client.GetAsync("/api/periods/2026-H1/template", TestContext.Current.CancellationToken)).ReadAsAsync<ReportTemplate>();
        Assert.Equal("SK6T", template.Code);
        Assert.Equal(period.TemplateVersion, template.Version);
    }

    [Fact]
    public async Task A_unit_outside_the_scope_sees_no_period_and_no_template()
    {
        using var client = UnitClient((await IssueAsync("BDV-TU")).Key);
        var periods = await (await client.GetAsync("/api/periods", TestContext.Current.CancellationToken)).ReadAsAsync<List<UnitPeriod>>();
        Assert.DoesNotContain(periods, p => p.Id == "2026-H1");
        await (await client.GetAsync("/api/periods/2026-H1/template", TestContext.Current.CancellationToken)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_demo_key_from_local_settings_works_for_the_demo_district()
    {
        var sample = Baocao.LocalHost.LocalSettings.ReadValues(Path.Combine(Repository.Root, "local.settings.sample.json"));
        await using var factory = app.CreateFactory(app.Azurite.ConnectionString,
            new Dictionary<string, string?> { ["Baocao:SeedDemoData"] = "true", ["Baocao:DemoUnitKey"] = sample["Baocao:DemoUnitKey"] });
        await factory.Services.GetRequiredService<Baocao.Storage.StorageReadiness>().Ready;
        using var client = factory.CreateClient().Presenting(sample["Baocao:DemoUnitKey"]!);
        var periods = await (await client.GetAsync("/api/periods", TestContext.Current.CancellationToken)).ReadAsAsync<List<UnitPeriod>>();
        Assert.Contains(periods, p => p.Id == "2026-H1");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("bc_000000000000_khong-co-khoa-nay-dau-nhe")]
    [InlineData("not-a-key")]
    [InlineData(TestApp.AdminKey)]
    public async Task Unit_routes_refuse_a_missing_malformed_unknown_or_admin_key(string? key)
    {
        using var client = app.Anonymous();
        if (key is not null) client.DefaultRequestHeaders.TryAddWithoutValidation("X-Api-Key", key);
        await (await client.GetAsync("/api/periods", TestContext.Current.CancellationToken)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_unit_key_does_not_open_admin_routes()
    {
        using var client = UnitClient((await IssueAsync("MTTQ")).Key);
        await (await client.GetAsync("/api/catalog/units", TestContext.Current.CancellationToken)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Rotation_allows_two_live_keys_and_revoking_the_old_one_ends_it()
    {
        var old = await IssueAsync("LDLD");
        var fresh = await IssueAsync("LDLD");
        using var oldClient = UnitClient(old.Key);
        using var freshClient = UnitClient(fresh.Key);
        Assert.Equal(HttpStatusCode.OK, (await oldClient.GetAsync("/api/periods", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await freshClient.GetAsync("/api/periods", TestContext.Current.CancellationToken)).StatusCode);

        var before = await app.SnapshotAsync();
        await (await _admin.PostAsync("/api/catalog/units/LDLD/keys", null, TestContext.Current.CancellationToken)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "too-many-keys");
        await app.AssertUnchangedSinceAsync(before);

        var revoked = await (await _admin.DeleteAsync($"/api/catalog/units/LDLD/keys/{old.KeyId}", TestContext.Current.CancellationToken)).ReadAsAsync<UnitKeyInfo>();
        Assert.Equal(TestApp.Start, revoked.RevokedAt);
        await (await oldClient.GetAsync("/api/periods", TestContext.Current.CancellationToken)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await freshClient.GetAsync("/api/periods", TestContext.Current.CancellationToken)).StatusCode);
        await IssueAsync("LDLD");
    }

    [Fact]
    public async Task Keys_for_an_unknown_unit_or_key_are_not_found()
    {
        await (await _admin.PostAsync("/api/catalog/units/KHONG-CO/keys", null, TestContext.Current.CancellationToken)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _admin.DeleteAsync("/api/catalog/units/HND/keys/abcdefabcdef", TestContext.Current.CancellationToken)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }
}
