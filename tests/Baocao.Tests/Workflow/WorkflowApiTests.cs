using System.Net;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Workflow;

public sealed class WorkflowApiTests(TestApp app) : IClassFixture<TestApp>
{
    private readonly WorkflowEngine _engine = app.Factory.Services.GetRequiredService<WorkflowEngine>();
    private readonly HttpClient _admin = app.Admin();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> ApprovedAsync(string unit)
    {
        var id = (await _engine.StartAsync("2026-Q4", unit, Ct)).Id;
        foreach (var trigger in new[] { ReportTrigger.Submit, ReportTrigger.Claim, ReportTrigger.Approve, ReportTrigger.Approve })
        {
            Assert.IsType<FireResult.Applied>(await _engine.FireAsync(id, trigger, "cv.lan", WorkflowChannel.Link, null, null, null, null, Ct));
        }
        return id;
    }

    [Fact]
    public async Task An_admin_reads_an_instance_with_its_history()
    {
        var id = await ApprovedAsync("HND");

        var view = await (await _admin.GetAsync($"/api/instances/{id}", Ct)).ReadAsAsync<WorkflowView>();

        Assert.Equal(ReportState.Approved, view.Instance.State);
        Assert.Equal(4, view.History.Count);
        await (await _admin.GetAsync("/api/instances/2026-Q4~KHONG", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await app.Anonymous().GetAsync($"/api/instances/{id}", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Reopening_returns_an_approved_report_once_and_then_names_who_reopened_it()
    {
        var id = await ApprovedAsync("HCCB");
        await (await _admin.PostJsonAsync($"/api/instances/{id}/reopen", """{ "reason": " " }""")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "reason-required");

        var reopened = await (await _admin.PostJsonAsync($"/api/instances/{id}/reopen", """{ "reason": "Sai số liệu mục 3." }""")).ReadAsAsync<WorkflowInstance>();
        Assert.Equal(ReportState.Returned, reopened.State);

        var again = await (await _admin.PostJsonAsync($"/api/instances/{id}/reopen", """{ "reason": "Sai số liệu mục 3." }"""))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "already-decided");
        Assert.Equal(WorkflowApi.AdminActor, again.GetProperty("decidedBy").GetProperty("actor").GetString());
        Assert.Equal("reopen", again.GetProperty("decidedBy").GetProperty("trigger").GetString());
    }

    [Fact]
    public async Task An_admin_lists_a_periods_instances_by_state_unit_and_overdue()
    {
        var approved = await ApprovedAsync("HLHPN");
        await _engine.StartAsync("2026-Q4", "MTTQ", Ct);

        var all = await (await _admin.GetAsync("/api/instances?periodId=2026-q4", Ct)).ReadAsAsync<List<WorkflowInstance>>();
        var done = await (await _admin.GetAsync("/api/instances?periodId=2026-Q4&state=approved", Ct)).ReadAsAsync<List<WorkflowInstance>>();
        var one = await (await _admin.GetAsync("/api/instances?periodId=2026-Q4&unit=mttq&overdue=false", Ct)).ReadAsAsync<List<WorkflowInstance>>();

        Assert.Contains(all, i => i.Id == approved);
        Assert.All(all, i => Assert.Equal("2026-Q4", i.PeriodId));
        Assert.All(done, i => Assert.Equal(ReportState.Approved, i.State));
        Assert.Contains(done, i => i.Id == approved);
        Assert.Equal("2026-Q4~MTTQ", Assert.Single(one).Id);
    }

    [Theory]
    [InlineData("/api/instances", "period-required")]
    [InlineData("/api/instances?periodId=2026-Q4&state=Lost", "invalid-state")]
    [InlineData("/api/instances?periodId=2026-Q4&state=3", "invalid-state")]
    public async Task Listing_without_a_period_or_with_an_unknown_state_is_refused(string url, string code)
    {
        await (await _admin.GetAsync(url, Ct)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, code);
    }
}
