using System.Text.Json;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Workflow;

public sealed class WorkflowEngineTests(TestApp app) : IClassFixture<TestApp>
{
    private const string Period = "2026-Q4";

    private readonly WorkflowEngine _engine = app.Factory.Services.GetRequiredService<WorkflowEngine>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static WorkItem Mail(string to) => new("mail", JsonSerializer.SerializeToElement(new { to }));

    private async Task<FireResult> FireAsync(string id, ReportTrigger trigger, string actor = "cv.lan", WorkflowChannel channel = WorkflowChannel.Link,
        string? comment = null, IReadOnlyList<WorkItem>? work = null, ReportState? seen = null) =>
        await _engine.FireAsync(id, new Firing(trigger, actor, channel) { Comment = comment, Work = work ?? [], SeenState = seen }, await app.DurableClientAsync(), Ct);

    private async Task<string> InReviewAsync(string unit)
    {
        var id = (await _engine.StartAsync(Period, unit, Ct)).Id;
        Assert.IsType<FireResult.Applied>(await FireAsync(id, ReportTrigger.Submit, "vp.huyen", WorkflowChannel.Api));
        Assert.IsType<FireResult.Applied>(await FireAsync(id, ReportTrigger.Claim));
        return id;
    }

    [Fact]
    public async Task A_report_goes_from_not_started_to_approved_with_a_verifiable_history_of_four_events()
    {
        var id = await InReviewAsync("HND");
        Assert.IsType<FireResult.Applied>(await FireAsync(id, ReportTrigger.Approve));
        var last = Assert.IsType<FireResult.Applied>(await FireAsync(id, ReportTrigger.Approve, "ld.binh"));

        Assert.Equal(ReportState.Approved, last.Instance.State);
        var view = (await _engine.GetAsync(id, Ct))!;
        Assert.Equal($"{Period}~HND", view.Instance.Id);
        Assert.Equal(ReportState.Approved, view.Instance.State);
        Assert.Equal(WorkflowDefinition.DefinitionVersion, view.Instance.DefinitionVersion);
        Assert.Equal(1, view.Instance.Version);
        Assert.Equal(
            [(ReportState.NotStarted, ReportState.Submitted), (ReportState.Submitted, ReportState.InReview),
             (ReportState.InReview, ReportState.AwaitingApproval), (ReportState.AwaitingApproval, ReportState.Approved)],
            view.History.Select(e => (e.From, e.To)));
        Assert.Equal([1, 2, 3, 4], view.History.Select(e => e.Sequence));
        Assert.Equal(app.Clock.GetUtcNow(), view.History[0].At);
        Assert.Equal("ld.binh", view.History[3].Actor);
        Assert.Equal(new HistoryCheck(4, null), await _engine.VerifyHistoryAsync(id, Ct));
    }

    [Fact]
    public async Task A_trigger_not_permitted_from_the_current_state_is_refused_and_changes_nothing()
    {
        var id = (await _engine.StartAsync(Period, "HCCB", Ct)).Id;
        var before = await app.SnapshotAsync();

        var refused = Assert.IsType<FireResult.Refused>(await FireAsync(id, ReportTrigger.Approve, work: [Mail("a@x.vn")]));

        Assert.Equal("not-permitted", refused.Code);
        Assert.Contains("chưa nộp", refused.Reason);
        Assert.Null(refused.DecidedBy);
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Return_without_comment_is_refused_and_changes_nothing()
    {
        var id = await InReviewAsync("HCB");
        var before = await app.SnapshotAsync();

        var refused = Assert.IsType<FireResult.Refused>(await FireAsync(id, ReportTrigger.Return, comment: "   "));

        Assert.Equal("comment-required", refused.Code);
        await app.AssertUnchangedSinceAsync(before);
        Assert.IsType<FireResult.Applied>(await FireAsync(id, ReportTrigger.Return, comment: "Thiếu số liệu mục 2."));
    }

    [Fact]
    public async Task Of_a_hundred_racing_decisions_exactly_one_wins_and_the_others_learn_who_decided_and_when()
    {
        var id = await InReviewAsync("DTN");

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => i % 2 == 0
            ? FireAsync(id, ReportTrigger.Approve, $"cv.{i}", seen: ReportState.InReview)
            : FireAsync(id, ReportTrigger.Return, $"cv.{i}", comment: "Cần bổ sung.", seen: ReportState.InReview)));

        var winner = Assert.Single(results.OfType<FireResult.Applied>());
        var refused = results.OfType<FireResult.Refused>().ToList();
        Assert.Equal(99, refused.Count);
        Assert.All(refused, r =>
        {
            Assert.Equal("already-decided", r.Code);
            Assert.Equal(new DecidedBy(winner.Event.Actor, winner.Event.At, winner.Event.Trigger, winner.Instance.State), r.DecidedBy);
            Assert.Contains(winner.Event.Actor, r.Reason);
        });
        var history = (await _engine.GetAsync(id, Ct))!.History;
        Assert.Equal(3, history.Count);
        Assert.Equal(winner.Event, history[2]);
        Assert.True((await _engine.VerifyHistoryAsync(id, Ct)).Intact);
    }

    [Fact]
    public async Task Editing_a_stored_history_event_breaks_the_chain_at_that_event()
    {
        var id = await InReviewAsync("HTN");
        Assert.IsType<FireResult.Applied>(await FireAsync(id, ReportTrigger.Return, comment: "Số liệu chưa khớp."));
        Assert.True((await _engine.VerifyHistoryAsync(id, Ct)).Intact);

        await app.Stored.RewriteHistoryCommentAsync(id, 3, "Số liệu tốt.");

        Assert.Equal(new HistoryCheck(3, 3), await _engine.VerifyHistoryAsync(id, Ct));
    }

    [Fact]
    public async Task A_transitions_outbox_items_are_stored_exactly_when_its_state_and_history_are()
    {
        var id = (await _engine.StartAsync(Period, "BDV-TU", Ct)).Id;
        var timer = new WorkItem("timer", JsonSerializer.SerializeToElement(new { due = "2026-12-01T02:00:00Z" }));
        Assert.IsType<FireResult.Applied>(await FireAsync(id, ReportTrigger.Submit, work: [Mail("cv@bdv.vn"), timer]));
        Assert.IsType<FireResult.Applied>(await FireAsync(id, ReportTrigger.Claim));

        var before = await app.SnapshotAsync();
        var tooMuch = await FireAsync(id, ReportTrigger.Approve, work: Enumerable.Range(0, WorkflowEngine.MaxWorkItems + 1).Select(i => Mail($"{i}@x.vn")).ToList());
        Assert.Equal("too-much-work", Assert.IsType<FireResult.Refused>(tooMuch).Code);
        await app.AssertUnchangedSinceAsync(before);

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            FireAsync(id, ReportTrigger.Approve, $"cv.{i}", work: [Mail($"ld{i}@bdv.vn")], seen: ReportState.InReview)));
        var winner = Assert.Single(results.OfType<FireResult.Applied>());

        var instance = Assert.IsType<InstanceRow>(await app.Stored.InstanceAsync(id));
        var history = await app.Stored.HistoryAsync(id);
        var outbox = await app.Stored.OutboxAsync(id);
        Assert.Equal(3, instance.Instance.Sequence);
        Assert.Equal(history[^1].Hash, instance.LastHash);
        Assert.Equal([1, 2, 3], history.Select(h => h.Sequence));
        Assert.Equal([1, 1, 3], outbox.Select(o => o.Sequence));
        var pending = await _engine.PendingWorkAsync(id, Ct);
        Assert.Equal(["mail", "timer", "mail"], pending.Select(p => p.Kind));
        Assert.Equal($"ld{winner.Event.Actor[3..]}@bdv.vn", pending[2].Payload.GetProperty("to").GetString());
    }

    [Fact]
    public async Task Starting_an_instance_twice_creates_it_once()
    {
        var first = await _engine.StartAsync(Period, "hgi", Ct);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var second = await _engine.StartAsync(Period, "HGI", Ct);

        Assert.Equal(first, second);
        Assert.Equal($"{Period}~HGI", first.Id);
        Assert.Single(await app.Stored.RowsOfReportAsync(first.Id));
    }
}
