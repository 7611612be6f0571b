using System.Net;
using Baocao.Catalog;
using Baocao.Tests.Infrastructure;

namespace Baocao.Tests.Catalog;

/// <summary>Posts (chức vụ) in the catalogue: a holder, a unit subtree, delegations; bad input refused and nothing written.</summary>
public sealed class PostCatalogTests(DemoApp app) : IClassFixture<DemoApp>
{
    private readonly HttpClient _admin = app.Admin();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Post(string code, string unit = "BDV-TU", string delegations = "[]", string block = "null") => $$"""
        { "code": "{{code}}", "name": "Chuyên viên phụ trách khối huyện", "unit": "{{unit}}",
          "holder": { "name": "Phạm Quốc Việt", "email": "Viet.BDV@anhoa.example" }, "delegations": {{delegations}}, "block": {{block}} }
        """;

    private static string Block(string units, string name = "Khối Mặt trận và các đoàn thể") => $$"""{ "name": "{{name}}", "units": {{units}} }""";

    [Fact]
    public async Task A_post_is_created_then_replaced_with_its_holder_and_delegations()
    {
        var created = await _admin.PutJsonAsync("/api/catalog/posts/cv-khoi-huyen", Post("cv-khoi-huyen"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/catalog/posts/CV-KHOI-HUYEN", created.Headers.Location?.OriginalString);
        var post = await created.ReadAsAsync<Post>();
        Assert.Equal(("CV-KHOI-HUYEN", "viet.bdv@anhoa.example"), (post.Code, post.Holder.Email));

        var replaced = await _admin.PutJsonAsync("/api/catalog/posts/CV-KHOI-HUYEN", Post("CV-KHOI-HUYEN", delegations: """
            [ { "acting": { "name": "Lê Thị Hồng", "email": "hong.bdv@anhoa.example" }, "from": "2026-12-10", "to": "2026-12-20" },
              { "acting": { "name": "Đỗ Minh Tuấn", "email": "tuan.bdv@anhoa.example" }, "from": "2026-12-01", "to": "2026-12-05" } ]
            """));
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var read = await (await _admin.GetAsync("/api/catalog/posts/cv-khoi-huyen", Ct)).ReadAsAsync<Post>();
        Assert.Equal(["tuan.bdv@anhoa.example", "hong.bdv@anhoa.example"], read.Delegations!.Select(d => d.Acting.Email));
        Assert.Equal("hong.bdv@anhoa.example", read.DelegationOn(new DateOnly(2026, 12, 20))!.Acting.Email);
        Assert.Null(read.DelegationOn(new DateOnly(2026, 12, 21)));
        Assert.Contains(await (await _admin.GetAsync("/api/catalog/posts", Ct)).ReadAsAsync<List<Post>>(), p => p.Code == "CV-KHOI-HUYEN");
    }

    [Fact]
    public async Task Bad_posts_are_refused_with_problem_details_and_write_nothing()
    {
        await (await _admin.PutJsonAsync("/api/catalog/posts/CV-CO-SAN", Post("CV-CO-SAN"))).ReadAsAsync<Post>();
        var before = await app.SnapshotAsync();
        var bad = new (string Code, string Body, HttpStatusCode Status, string Problem)[]
        {
            ("CV-CO-SAN", Post("cv co san"), HttpStatusCode.UnprocessableEntity, "code-mismatch"),
            ("CV SAI", Post("CV SAI"), HttpStatusCode.UnprocessableEntity, "invalid-code"),
            ("CV-CO-SAN", Post("CV-CO-SAN", unit: "HU-KHONG-CO"), HttpStatusCode.UnprocessableEntity, "unknown-unit"),
            ("CV-CO-SAN", Post("CV-CO-SAN").Replace("Viet.BDV@anhoa.example", "khong-phai-email", StringComparison.Ordinal), HttpStatusCode.UnprocessableEntity, "invalid-email"),
            ("CV-CO-SAN", Post("CV-CO-SAN", delegations: """[ { "acting": { "name": "Phạm Quốc Việt", "email": "viet.bdv@anhoa.example" }, "from": "2026-12-01", "to": "2026-12-05" } ]"""),
                HttpStatusCode.UnprocessableEntity, "acting-is-holder"),
            ("CV-CO-SAN", Post("CV-CO-SAN", delegations: """[ { "acting": { "name": "Lê Thị Hồng", "email": "hong.bdv@anhoa.example" }, "from": "2026-12-05", "to": "2026-12-01" } ]"""),
                HttpStatusCode.UnprocessableEntity, "range-inverted"),
            ("CV-CO-SAN", Post("CV-CO-SAN", delegations: """
                [ { "acting": { "name": "Lê Thị Hồng", "email": "hong.bdv@anhoa.example" }, "from": "2026-12-01", "to": "2026-12-10" },
                  { "acting": { "name": "Đỗ Minh Tuấn", "email": "tuan.bdv@anhoa.example" }, "from": "2026-12-10", "to": "2026-12-12" } ]
                """), HttpStatusCode.UnprocessableEntity, "delegation-overlap"),
            ("CV-CO-SAN", Post("CV-CO-SAN", block: Block("""[ "MTTQ", "HU-KHONG-CO" ]""")), HttpStatusCode.UnprocessableEntity, "unknown-unit"),
            ("CV-CO-SAN", Post("CV-CO-SAN", block: Block("""[ "MTTQ", "mttq" ]""")), HttpStatusCode.UnprocessableEntity, "duplicate-unit"),
            ("CV-CO-SAN", Post("CV-CO-SAN", block: Block("[]")), HttpStatusCode.UnprocessableEntity, "empty-block"),
            ("CV-CO-SAN", Post("CV-CO-SAN", block: Block("""[ "MTTQ" ]""", name: " ")), HttpStatusCode.UnprocessableEntity, "invalid-name"),
            ("CV-CO-SAN", Post("CV-CO-SAN").Replace("\"unit\"", "\"donVi\": 1, \"unit\"", StringComparison.Ordinal), HttpStatusCode.BadRequest, ""),
            ("CV-CO-SAN", Post("CV-CO-SAN", delegations: """[ { "acting": { "name": "Lê Thị Hồng", "email": "hong.bdv@anhoa.example" }, "from": "mai", "to": "2026-12-01" } ]"""),
                HttpStatusCode.BadRequest, ""),
        };
        foreach (var (code, body, status, problem) in bad)
        {
            await (await _admin.PutJsonAsync($"/api/catalog/posts/{Uri.EscapeDataString(code)}", body)).ShouldBeProblemAsync(status, problem.Length == 0 ? null : problem);
        }
        var notJson = await _admin.PutAsync("/api/catalog/posts/CV-CO-SAN", new StringContent(Post("CV-CO-SAN")), Ct);
        await notJson.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        await app.AssertUnchangedSinceAsync(before);
        Assert.Equal("viet.bdv@anhoa.example", (await (await _admin.GetAsync("/api/catalog/posts/CV-CO-SAN", Ct)).ReadAsAsync<Post>()).Holder.Email);
    }

    [Fact]
    public async Task A_post_a_live_period_names_cannot_be_deleted_and_an_unknown_post_is_not_found()
    {
        await (await _admin.PutJsonAsync("/api/catalog/posts/PTB-PHU-TRACH", Post("PTB-PHU-TRACH"))).ReadAsAsync<Post>();
        await (await _admin.PutJsonAsync("/api/catalog/posts/CV-TAM", Post("CV-TAM"))).ReadAsAsync<Post>();
        await (await _admin.PostJsonAsync("/api/catalog/periods", """
            { "type": "thematic", "year": 2026, "id": "CD-CHUC-VU", "name": "Chuyên đề: duyệt theo chức vụ", "templateCode": "SK6T",
              "dataFrom": "2026-01-01", "dataTo": "2026-10-31", "deadline": "2026-12-15T17:00", "scope": { "units": [ "HND" ] },
              "stages": [ { "code": "THAM-DINH", "name": "Chuyên viên thẩm định", "posts": [ "ptb-phu-trach" ] } ] }
            """)).ReadAsAsync<Period>();
        var before = await app.SnapshotAsync();

        await (await _admin.DeleteAsync("/api/catalog/posts/PTB-PHU-TRACH", Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "post-in-use");
        await (await _admin.DeleteAsync("/api/catalog/posts/KHONG-CO", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await app.AssertUnchangedSinceAsync(before);

        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/api/catalog/posts/CV-TAM", Ct)).StatusCode);
        await (await _admin.GetAsync("/api/catalog/posts/CV-TAM", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_period_naming_an_unknown_post_or_leaving_a_unit_without_reviewer_is_refused_and_writes_nothing()
    {
        await (await _admin.PutJsonAsync("/api/catalog/posts/CV-DONGSON", Post("CV-DONGSON", unit: "HU-DONGSON"))).ReadAsAsync<Post>();
        var before = await app.SnapshotAsync();
        static string Period(string posts) => $$"""
            { "type": "thematic", "year": 2026, "id": "CD-THIEU-NGUOI", "name": "Chuyên đề", "templateCode": "SK6T",
              "dataFrom": "2026-01-01", "dataTo": "2026-10-31", "deadline": "2026-12-15T17:00", "scope": { "units": [ "HU-DONGSON", "HND" ] },
              "stages": [ { "code": "THAM-DINH", "name": "Chuyên viên thẩm định", "posts": {{posts}} } ] }
            """;

        var unknown = await (await _admin.PostJsonAsync("/api/catalog/periods", Period("""[ "KHONG-CO" ]"""))).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-post");
        Assert.Equal("/stages/0/posts/0", unknown.Error("unknown-post").GetProperty("pointer").GetString());
        var uncovered = await (await _admin.PostJsonAsync("/api/catalog/periods", Period("""[ "CV-DONGSON" ]"""))).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "unit-without-reviewer");
        Assert.Contains("HND", uncovered.Error("unit-without-reviewer").GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await _admin.PostJsonAsync("/api/catalog/periods", Period("[]"))).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "no-assignees");
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task A_post_covers_a_named_block_of_units_and_a_block_unit_is_refused_at_its_pointer()
    {
        var created = await _admin.PutJsonAsync("/api/catalog/posts/CV-KHOI-MTDT", Post("CV-KHOI-MTDT", block: Block("""[ "mttq", "HND", "TINHDOAN" ]""")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var block = (await created.ReadAsAsync<Post>()).Block!;
        Assert.Equal("Khối Mặt trận và các đoàn thể", block.Name);
        Assert.Equal(["MTTQ", "HND", "TINHDOAN"], block.Units);

        var wrong = await (await _admin.PutJsonAsync("/api/catalog/posts/CV-KHOI-MTDT", Post("CV-KHOI-MTDT", block: Block("""[ "MTTQ", "HU-KHONG-CO" ]"""))))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-unit");
        Assert.Equal("/block/units/1", wrong.Error("unknown-unit").GetProperty("pointer").GetString());
        Assert.Equal(["MTTQ", "HND", "TINHDOAN"], (await (await _admin.GetAsync("/api/catalog/posts/CV-KHOI-MTDT", Ct)).ReadAsAsync<Post>()).Block!.Units);
    }

    [Fact]
    public async Task A_period_whose_only_block_post_leaves_a_unit_outside_the_block_is_refused_and_writes_nothing()
    {
        await (await _admin.PutJsonAsync("/api/catalog/posts/CV-KHOI-DOAN-THE", Post("CV-KHOI-DOAN-THE", block: Block("""[ "HND", "HCCB" ]""")))).ReadAsAsync<Post>();
        var before = await app.SnapshotAsync();

        // The block's officer sits on the province committee, but a block covers its units alone, not the province's subtree.
        var uncovered = await (await _admin.PostJsonAsync("/api/catalog/periods", """
            { "type": "thematic", "year": 2026, "id": "CD-NGOAI-KHOI", "name": "Chuyên đề", "templateCode": "SK6T",
              "dataFrom": "2026-01-01", "dataTo": "2026-10-31", "deadline": "2026-12-15T17:00", "scope": { "units": [ "HND", "HCCB", "MTTQ" ] },
              "stages": [ { "code": "THAM-DINH", "name": "Chuyên viên thẩm định", "posts": [ "CV-KHOI-DOAN-THE" ] } ] }
            """)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "unit-without-reviewer");

        Assert.EndsWith("đơn vị MTTQ; hãy thêm chức vụ hoặc người duyệt.", uncovered.Error("unit-without-reviewer").GetProperty("detail").GetString(), StringComparison.Ordinal);
        await app.AssertUnchangedSinceAsync(before);
    }
}
