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
}
