using Azure.Core.Pipeline;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Reminders;

/// <summary>Two sweepers at once, and a sweep that dies at any storage request, still send each reminder exactly once.</summary>
public sealed class ReminderRaceTests(ReminderApp app) : IClassFixture<ReminderApp>
{
    private readonly ReminderDesk _desk = new(app);

    private static readonly string[] Units = ["HU-DONGSON", "HU-KIMTHANH", "HU-PHULOC", "TXU-BINHMINH", "TPU-ANHOA"];

    /// <summary>Every unit is overdue on the reviewer's step; each unit shows once in all the digests the reviewer got.</summary>
    private static void AssertEachUnitOnce(IReadOnlyList<Baocao.Mail.CapturedMail> digests, string[] names)
    {
        Assert.All(digests, d => Assert.Equal([ReminderDesk.Reviewer], d.To));
        foreach (var name in names) Assert.Single(digests.SelectMany(d => d.Text!.Split('\n')), line => line.StartsWith($"- {name} –", StringComparison.Ordinal));
    }

    private static readonly string[] Names =
        ["Ban Dân vận Huyện ủy Đông Sơn", "Ban Dân vận Huyện ủy Kim Thành", "Ban Dân vận Huyện ủy Phú Lộc", "Ban Dân vận Thị ủy Bình Minh", "Ban Dân vận Thành ủy An Hòa"];

    [Fact]
    public async Task Two_sweepers_at_once_and_then_a_crash_at_every_storage_request_of_a_sweep_still_send_each_reminder_once()
    {
        var period = await _desk.OpenAsync(1, "2026-12-01T15:00", [ReminderDesk.Step("PT0S", "provinceReviewer", "escalation")], Units);
        app.Clock.SetUtcNow(_desk.Local("2026-12-01 15:00"));
        var sweeps = await Task.WhenAll(
            app.Factory.Services.GetRequiredService<TimerSweeper>().SweepAsync(TestContext.Current.CancellationToken),
            app.Factory.Services.GetRequiredService<TimerSweeper>().SweepAsync(TestContext.Current.CancellationToken));
        await _desk.DeliverAllAsync();
        Assert.Equal(Units.Length * 2, sweeps.Sum(s => s.Fired));
        // A notice the other sweeper was still delivering when this one gathered joins the next sweep's digest.
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await _desk.SweepAsync();
        AssertEachUnitOnce(await _desk.NewDigestsAsync(period), Names);

        // The same schedule again, one period per crash point: the sweep dies at request n, the next sweeps finish.
        var probe = new StorageProbe(app.Azurite);
        await using var factory = app.Factory.WithWebHostBuilder(web => web.ConfigureTestServices(s => s.AddSingleton<HttpPipelinePolicy>(probe)));
        var crashes = 0;
        string[] workingDays = ["02", "03", "04", "07", "08", "09", "11", "14", "15", "16", "17"];
        for (var (month, at) = (2, 1); month <= 12; month++, at += 9)
        {
            var day = workingDays[month - 2];
            var crashed = await _desk.OpenAsync(month, $"2026-12-{day}T15:00", [ReminderDesk.Step("PT0S", "provinceReviewer", "escalation")], Units);
            app.Clock.SetUtcNow(_desk.Local($"2026-12-{day} 15:00"));
            probe.CrashAt(at, at % 2 == 0 ? CrashPoint.AfterSending : CrashPoint.BeforeSending);
            try
            {
                crashes += (await factory.Services.GetRequiredService<TimerSweeper>().SweepAsync(TestContext.Current.CancellationToken)).Failed > 0 ? 1 : 0;
            }
            catch (SimulatedCrash)
            {
                crashes++;
            }
            probe.Reset();
            // Once a dead sweeper's delivery claims have lapsed, the outbox's recovery entries, the queue and the digest entries do the rest.
            app.Clock.Advance(OutboxDispatcher.ClaimLease + TimeSpan.FromMinutes(1));
            // Sweeps a minute apart, as the timer trigger runs: one digest per recipient per minute.
            await _desk.SweepAsync();
            app.Clock.Advance(TimeSpan.FromMinutes(1));
            await _desk.SweepAsync();
            AssertEachUnitOnce(await _desk.NewDigestsAsync(crashed), Names);
            Assert.Equal(0, await _desk.WaitingNoticesAsync());
        }
        Assert.True(crashes > 5, $"{crashes} sweeps crashed");
    }
}
