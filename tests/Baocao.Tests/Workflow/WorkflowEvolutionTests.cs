using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Workflow;

public sealed class WorkflowEvolutionTests(TestApp app) : IClassFixture<TestApp>
{
    private const string Period = "2026-Q3";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// The next definition version of the workflow, as a later deployment would register it beside the current one: a
    /// new stage, the deputy head's countersignature (a state of its own), between the review and the leader's approval.
    /// A real definition would name the state in <see cref="ReportState"/>; a test cannot add a member to the enum, so it
    /// uses a value the enum does not name, which storage and history carry the same way.
    /// </summary>
    private sealed class CountersignedWorkflow : IWorkflowDefinition
    {
        public const ReportState Countersigning = (ReportState)100;

        public int DefinitionVersion => WorkflowDefinition.DefinitionVersion + 1;

        public Verdict Decide(ReportState from, Proposal proposal) => (from, proposal.Trigger) switch
        {
            (ReportState.InReview, ReportTrigger.Approve) => new Verdict(Countersigning),
            (Countersigning, ReportTrigger.Approve) => new Verdict(ReportState.AwaitingApproval),
            (Countersigning, _) => WorkflowDefinition.Decide(ReportState.InReview, proposal),
            _ => WorkflowDefinition.Decide(from, proposal),
        };
    }

    private async Task<IReadOnlyList<ReportState>> RunAsync(WorkflowEngine engine, string id, params ReportTrigger[] triggers)
    {
        var states = new List<ReportState>();
        foreach (var trigger in triggers)
        {
            states.Add(Assert.IsType<FireResult.Applied>(await engine.FireAsync(id, new Firing(trigger, "cv.lan", WorkflowChannel.Link), await app.DurableClientAsync(), Ct)).Instance.State);
        }
        return states;
    }

    [Fact]
    public async Task A_report_in_flight_finishes_under_its_own_definition_version_after_the_definition_gains_a_stage()
    {
        var current = app.Factory.Services.GetRequiredService<WorkflowEngine>();
        var old = (await current.StartAsync(Period, "HND", Ct)).Id;
        await RunAsync(current, old, ReportTrigger.Submit, ReportTrigger.Claim);

        await using var upgraded = app.Factory.WithWebHostBuilder(web =>
            web.ConfigureTestServices(services => services.AddSingleton<IWorkflowDefinition, CountersignedWorkflow>()));
        var engine = upgraded.Services.GetRequiredService<WorkflowEngine>();
        var fresh = (await engine.StartAsync(Period, "HCCB", Ct)).Id;

        Assert.Equal([ReportState.AwaitingApproval, ReportState.Approved], await RunAsync(engine, old, ReportTrigger.Approve, ReportTrigger.Approve));
        Assert.Equal(
            [ReportState.Submitted, ReportState.InReview, CountersignedWorkflow.Countersigning, ReportState.AwaitingApproval, ReportState.Approved],
            await RunAsync(engine, fresh, ReportTrigger.Submit, ReportTrigger.Claim, ReportTrigger.Approve, ReportTrigger.Approve, ReportTrigger.Approve));
        Assert.Equal(WorkflowDefinition.DefinitionVersion, (await engine.GetAsync(old, Ct))!.Instance.DefinitionVersion);
        Assert.Equal(WorkflowDefinition.DefinitionVersion + 1, (await engine.GetAsync(fresh, Ct))!.Instance.DefinitionVersion);
        Assert.True((await engine.VerifyHistoryAsync(old, Ct)).Intact);
        Assert.True((await engine.VerifyHistoryAsync(fresh, Ct)).Intact);
    }

    [Fact]
    public async Task A_deployment_that_lacks_an_instances_definition_version_refuses_to_decide_it_and_writes_nothing()
    {
        await using var upgraded = app.Factory.WithWebHostBuilder(web =>
            web.ConfigureTestServices(services => services.AddSingleton<IWorkflowDefinition, CountersignedWorkflow>()));
        var newer = (await upgraded.Services.GetRequiredService<WorkflowEngine>().StartAsync(Period, "MTTQ", Ct)).Id;
        var before = await app.SnapshotAsync();

        // As after rolling back to the deployment that knows only the current definition version.
        var refused = await app.Factory.Services.GetRequiredService<WorkflowEngine>()
            .FireAsync(newer, new Firing(ReportTrigger.Submit, "vp.mttq", WorkflowChannel.Api), await app.DurableClientAsync(), Ct);

        Assert.Equal("definition-unknown", Assert.IsType<FireResult.Refused>(refused).Code);
        await app.AssertUnchangedSinceAsync(before);
    }
}
