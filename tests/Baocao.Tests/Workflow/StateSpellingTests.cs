using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Workflow;

/// <summary>A report state has one spelling wherever a machine or a script reads it: the API's JSON, its filters and its document, the dashboard's filters, the docs.</summary>
public sealed class StateSpellingTests(DemoApp app) : IClassFixture<DemoApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Spelling = ["notStarted", "submitted", "inReview", "awaitingApproval", "approved", "returned", "exempted", "terminated"];

    [Fact]
    public void Every_state_has_its_camel_case_spelling()
    {
        Assert.Equal(Spelling, ReportStateCodes.All);
    }

    [Fact]
    public async Task The_api_writes_and_filters_a_state_with_the_same_spelling()
    {
        using var admin = app.Admin();
        var waiting = JsonDocument.Parse(await admin.GetStringAsync($"/api/instances?periodId={app.DemoPeriodId}&state=notStarted", Ct)).RootElement;
        var id = waiting.EnumerateArray().First().GetProperty("id").GetString()!;
        var engine = app.Factory.Services.GetRequiredService<WorkflowEngine>();
        foreach (var trigger in new[] { ReportTrigger.Submit, ReportTrigger.Claim })
        {
            Assert.IsType<FireResult.Applied>(await engine.FireAsync(id, new Firing(trigger, "cv.lan", WorkflowChannel.Link), await app.DurableClientAsync(), Ct));
        }

        var listed = JsonDocument.Parse(await admin.GetStringAsync($"/api/instances?periodId={app.DemoPeriodId}&state=inReview", Ct)).RootElement;

        var found = Assert.Single(listed.EnumerateArray());
        Assert.Equal(id, found.GetProperty("id").GetString());
        Assert.Equal("inReview", found.GetProperty("state").GetString());
        var refusal = await (await admin.GetAsync($"/api/instances?periodId={app.DemoPeriodId}&state=in-review", Ct))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-state");
        Assert.Contains(string.Join(", ", Spelling), refusal.Error("invalid-state").GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_api_document_offers_the_states_as_they_are_spelled()
    {
        using var client = app.Admin();
        var paths = JsonDocument.Parse(await client.GetStringAsync("/api/openapi/v1.json", Ct)).RootElement.GetProperty("paths");
        foreach (var path in new[] { "/api/instances", "/api/dashboard/{periodId}" })
        {
            var state = paths.GetProperty(path).GetProperty("get").GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "state");
            Assert.Equal(Spelling, state.GetProperty("schema").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        }
    }

    [Fact]
    public async Task The_dashboard_filters_by_the_same_spelling()
    {
        using var browser = await Staff.SignedInAsync(app);
        var page = HtmlPage.Parse(await browser.GetStringAsync($"/api/dashboard/{app.DemoPeriodId}", Ct));

        var options = page.All("select[name=state] option").Select(o => o.GetAttribute("value")).Where(v => v != "");
        Assert.Equal(Spelling, options);
        var chip = page.All("a[data-state-count]").First();
        Assert.Contains($"state={chip.GetAttribute("data-state-count")}", chip.GetAttribute("href"));
        Assert.All(page.All("tr[data-state]"), row => Assert.Contains(row.GetAttribute("data-state"), Spelling));
    }

    /// <summary>A state under the enum's own name, in code font or as a node of a diagram.</summary>
    private static readonly Regex OtherSpelling = new($@"`({string.Join('|', Enum.GetNames<ReportState>())})`|(?m)^\t({string.Join('|', Enum.GetNames<ReportState>())}) -->");

    [Fact]
    public void The_docs_spell_states_as_the_api_does()
    {
        var root = Repository.Root;
        var docs = Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Append(Path.Combine(root, "README.md"));
        var misspelt = docs.SelectMany(file => OtherSpelling.Matches(File.ReadAllText(file)).Select(m => $"{Path.GetFileName(file)}: {m.Value.Trim()}")).ToList();
        Assert.Empty(misspelt);
    }
}
