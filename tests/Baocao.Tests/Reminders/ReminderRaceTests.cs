using Azure.Core.Pipeline;
using Baocao.Reminders;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Reminders;

/// <summary>A reminder fired twice at once, and a firing that dies at any storage request, still goes out exactly once.</summary>
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

    /// <summary>The firing activity's work for each unit's reminder step, as a run of it beside the orchestration's own would do it.</summary>
    private async Task FireByHandAsync(IServiceProvider services, string period)
    {
        var timers = services.GetRequiredService<ReportTimers>();
        foreach (var unit in Units)
        {
            var step = Assert.Single(await _desk.TimersAsync(period, unit, ReminderTimer.Name));
            await timers.FireAsync(new DueTimer(WorkflowEngine.InstanceId(period, unit), step.Name, step.Due), TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Two_firings_at_once_and_then_a_crash_at_every_storage_request_of_a_firing_still_send_each_reminder_once()
    {
        var period = await _desk.OpenAsync(1, "2026-12-01T15:00", [ReminderDesk.Step("PT0S", "provinceReviewer", "escalation")], Units);
        app.Clock.SetUtcNow(_desk.Local("2026-12-01 15:00"));
        // The orchestrations fire their reminders while a second run of each firing does the same.
        await Task.WhenAll(FireByHandAsync(app.Factory.Services, period), app.ReportsCaughtUpAsync());
        await _desk.DeliverAllAsync();
        foreach (var unit in Units) Assert.Single((await _desk.ViewAsync(period, unit)).History, e => e.Trigger == ReportTrigger.Note);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await _desk.SweepAsync();
        AssertEachUnitOnce(await _desk.NewDigestsAsync(period), Names);

        // The same schedule again, one period per crash point: the firings die at request n, the orchestrations finish.
        var probe = new StorageProbe(app.Azurite);
        await using var factory = app.Factory.WithWebHostBuilder(web => web.ConfigureTestServices(s => s.AddSingleton<HttpPipelinePolicy>(probe)));
        var crashes = 0;
        string[] workingDays = ["02", "03", "04", "07", "08", "09", "11", "14", "15", "16", "17"];
        for (var (month, at) = (2, 1); month <= 12; month++, at += 3)
        {
            var day = workingDays[month - 2];
            var crashed = await _desk.OpenAsync(month, $"2026-12-{day}T15:00", [ReminderDesk.Step("PT0S", "provinceReviewer", "escalation")], Units);
            app.Clock.SetUtcNow(_desk.Local($"2026-12-{day} 15:00"));
            probe.CrashAt(at, at % 2 == 0 ? CrashPoint.AfterSending : CrashPoint.BeforeSending);
            try
            {
                await FireByHandAsync(factory.Services, crashed);
            }
            catch (SimulatedCrash)
            {
                crashes++;
            }
            probe.Reset();
            // Once a dead firing's delivery claims have lapsed, the orchestrations, the outbox's recovery entries, the
            // queue and the digest entries do the rest.
            app.Clock.Advance(OutboxDispatcher.ClaimLease + TimeSpan.FromMinutes(1));
            // Sweeps a minute apart, as the timer trigger runs: one digest per recipient per minute.
            await _desk.SweepAsync();
            app.Clock.Advance(TimeSpan.FromMinutes(1));
            await _desk.SweepAsync();
            AssertEachUnitOnce(await _desk.NewDigestsAsync(crashed), Names);
            Assert.Equal(0, await _desk.WaitingNoticesAsync());
        }
        Assert.True(crashes > 5, $"{crashes} firings crashed");
    }
}
