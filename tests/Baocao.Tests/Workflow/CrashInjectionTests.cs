using Azure.Core.Pipeline;
using Baocao.Mail;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Workflow;

/// <summary>
/// A crash between any two storage requests of a transition leaves the old state or the new one with all it brings,
/// never half; retrying and the sweep then deliver its work once.
/// </summary>
public sealed class CrashInjectionTests(TestApp app) : IClassFixture<TestApp>
{
    private const string Period = "2026-M10";
    private const string ReviewTimer = "han-tham-dinh";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MailWork Claimed(string unit) =>
        new([$"vanthu.{unit.ToLowerInvariant()}@anhoa.example"], "Báo cáo đang được thẩm định", "Chuyên viên Ban Dân vận Tỉnh ủy đã nhận thẩm định báo cáo của đơn vị.");

    /// <summary>The transition under test: a reviewer claims a submitted report, with a mail to the unit and a review timer.</summary>
    private async Task<FireResult> ClaimAsync(WorkflowEngine engine, string id, string unit) =>
        await engine.FireAsync(id, new Firing(ReportTrigger.Claim, "cv.lan", WorkflowChannel.Link) { Work = [Claimed(unit).ToWorkItem()], SeenState = ReportState.Submitted, Timers = [new DurableTimer(ReviewTimer, DeadlineTimer.Name, app.Clock.GetUtcNow().AddDays(3))] }, await app.DurableClientAsync(), Ct);

    private async Task<string> SubmittedAsync(WorkflowEngine engine, string unit)
    {
        var id = (await engine.StartAsync(Period, unit, Ct, [DeadlineTimer.For(app.Clock.GetUtcNow().AddDays(10))])).Id;
        Assert.IsType<FireResult.Applied>(await engine.FireAsync(id, new Firing(ReportTrigger.Submit, "vp.huyen", WorkflowChannel.Api), await app.DurableClientAsync(), Ct));
        return id;
    }

    private async Task<bool> InOutboxAsync(string id, string item) =>
        (await app.Stored.OutboxAsync(id)).Any(o => o.Id == item) || await app.Stored.DeliveryClaimAsync(id, item) is not null;

    /// <summary>
    /// Either nothing of the claim is stored, or all of it: state, event, the mail's outbox item (or its receipt) and the timer.
    /// </summary>
    private async Task<bool> AssertOldOrWholeNewAsync(string id)
    {
        var instance = (await app.Stored.InstanceAsync(id))!.Instance;
        var claimed = new[]
        {
            (await app.Stored.HistoryAsync(id)).Any(e => e.Sequence == 2),
            await InOutboxAsync(id, "o000002-00"),
            await app.Stored.TimerAsync(id, ReviewTimer) is not null,
        };
        var state = instance.State;
        if (state == ReportState.Submitted)
        {
            Assert.Equal(1, instance.Sequence);
            Assert.All(claimed, Assert.False);
            return false;
        }
        Assert.Equal(ReportState.InReview, state);
        Assert.Equal(2, instance.Sequence);
        Assert.All(claimed, Assert.True);
        return true;
    }

    [Fact]
    public async Task A_crash_at_any_storage_request_of_a_transition_leaves_old_or_whole_new_state_and_a_retry_delivers_its_work_once()
    {
        var probe = new StorageProbe(app.Azurite);
        await using var factory = app.Factory.WithWebHostBuilder(web => web.ConfigureTestServices(s => s.AddSingleton<HttpPipelinePolicy>(probe)));
        // This instance provisions storage at start too; those requests must not be counted as the claim's.
        await factory.Services.GetRequiredService<Baocao.Storage.StorageReadiness>().Ready.WaitAsync(Ct);
        var engine = factory.Services.GetRequiredService<WorkflowEngine>();
        var sweeper = factory.Services.GetRequiredService<TimerSweeper>();
        var mailbox = factory.Services.GetRequiredService<LocalMailbox>();
        var queue = app.Stored.OutboxQueue;

        var dry = await SubmittedAsync(engine, "DRY");
        probe.Reset();
        Assert.IsType<FireResult.Applied>(await ClaimAsync(engine, dry, "DRY"));
        var requests = probe.Requests;
        Assert.True(requests >= 4, $"a claim with work and a timer makes {requests} requests");
        await OutboxDrain.DrainAsync(factory, queue, Ct);

        var outcomes = new List<(int At, CrashPoint Point, bool Committed)>();
        foreach (var point in Enum.GetValues<CrashPoint>())
        {
            for (var at = 1; at <= requests; at++)
            {
                var unit = $"U{at}{(point == CrashPoint.BeforeSending ? "B" : "A")}";
                var id = await SubmittedAsync(engine, unit);

                probe.CrashAt(at, point);
                await Assert.ThrowsAsync<SimulatedCrash>(() => ClaimAsync(engine, id, unit));
                probe.Reset();
                var committed = await AssertOldOrWholeNewAsync(id);
                outcomes.Add((at, point, committed));

                // The caller retries; a claim that did commit is not made twice. Then the sweep re-announces what was
                // committed but never announced, and the dispatcher delivers.
                var retry = await ClaimAsync(engine, id, unit);
                Assert.True(committed ? retry is FireResult.Refused : retry is FireResult.Applied, $"retry after a crash at {at} ({point}): {retry}");
                app.Clock.Advance(OutboxQueue.RecoveryDelay);
                await sweeper.SweepAsync(Ct);
                await OutboxDrain.DrainAsync(factory, queue, Ct);

                Assert.True(await AssertOldOrWholeNewAsync(id));
                var view = (await engine.GetAsync(id, Ct))!;
                Assert.Equal([ReportTrigger.Submit, ReportTrigger.Claim], view.History.Select(e => e.Trigger));
                Assert.True((await engine.VerifyHistoryAsync(id, Ct)).Intact);
                Assert.Empty(await engine.PendingWorkAsync(id, Ct));
                Assert.Single(await mailbox.AllAsync(Ct), m => m.CustomArgs.TryGetValue("outbox", out var o) && o == $"{id}/o000002-00");
            }
        }
        // Both outcomes occur: early crashes leave the old state, a crash once the batch is sent leaves the new one.
        Assert.Contains(outcomes, o => !o.Committed);
        Assert.Contains(outcomes, o => o.Committed);
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', outcomes.Select(o => $"crash at request {o.At} of {requests} ({o.Point}): {(o.Committed ? "new state" : "old state")}")));
    }
}
