using System.Diagnostics;
using System.IO.Compression;
using System.Text.RegularExpressions;
using Baocao.Access;
using Baocao.Catalog;
using Baocao.Storage;
using Baocao.Submissions;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;

namespace Baocao.Tests.Walk;

/// <summary>
/// The app as <c>./dev run</c> serves it: its own process under the local host, the demo province seeded, the outbox,
/// timers and the local mailbox running, against an Azurite of its own. No in-process app shares the storage, so
/// nothing but the process (on the real clock) works on it.
/// </summary>
public sealed class RunningDemoApp : IAsyncLifetime
{
    public LocalAzurite Azurite { get; private set; } = null!;
    public AppProcess App { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Azurite = await TestApp.StartAzuriteOnFreePortsAsync();
        var settings = AppProcess.HostSettings(Azurite.ConnectionString, LocalAzurite.FreePort());
        // As ./dev run: mail goes out through the outbox to the local sink, and the timers run.
        settings.Remove(Baocao.LocalHost.FunctionSettings.DisabledSetting("OutboxDispatch"));
        settings.Remove(Baocao.LocalHost.FunctionSettings.DisabledSetting("TimerSweep"));
        var url = settings["urls"];
        settings["Baocao__PublicBaseUrl"] = url;
        settings["Mail__SendGridHost"] = url + "/api/dev/mail";
        settings["Mail__UseLocalSink"] = "true";
        settings["Baocao__SeedDemoData"] = "true";
        settings["Baocao__StartLocalAzurite"] = "false";
        App = await AppProcess.StartBuiltAsync(settings, TestContext.Current.CancellationToken);
    }

    public HttpClient Admin() => App.Admin();

    public async ValueTask DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
        if (Azurite is not null) await Azurite.DisposeAsync();
    }
}

/// <summary>
/// scripts/walk.sh, the story README sends people to, run with bash against the running app: it must end with "done",
/// and what it says it did must be what the app holds afterwards.
/// </summary>
public sealed partial class StoryWalkTests(RunningDemoApp demo) : IClassFixture<RunningDemoApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex(@"^walk: done period=(?<period>\S+) instance=(?<instance>\S+) receipt=(?<receipt>[0-9a-f]{64}) out=(?<out>.+)$", RegexOptions.Multiline)]
    private static partial Regex Done();

    [Fact]
    public async Task The_walk_plans_a_thematic_period_submits_with_a_file_approves_from_the_mail_and_downloads_the_export()
    {
        var output = Directory.CreateTempSubdirectory("baocao-walk-").FullName;
        try
        {
            var walk = await WalkAsync(TestApp.AdminKey, output);
            Assert.True(walk.ExitCode == 0, $"the walk failed ({walk.ExitCode}):\n{walk.Error}\n{walk.Output}");
            var done = Done().Match(walk.Output);
            Assert.True(done.Success, "the walk did not say it was done:\n" + walk.Output);
            var (periodId, instanceId, receipt) = (done.Groups["period"].Value, done.Groups["instance"].Value, done.Groups["receipt"].Value);
            Assert.Equal($"{periodId}~HU-DONGSON", instanceId);
            foreach (var line in new[]
            {
                "thuha.bdv@anhoa.example approved: «Đã ghi nhận: duyệt»",
                "tvdung.truongban@anhoa.example approved: «Đã ghi nhận: duyệt»",
                "state: approved (đã duyệt)",
                "dashboard: HU-DONGSON approved; submitted 1 of 14",
            })
            {
                Assert.Contains(line, walk.Output);
            }

            using var admin = demo.Admin();
            // The worked example of docs/catalogue.md: one year of data ending yesterday, the deadline three weeks on.
            var period = await (await admin.GetAsync($"/api/catalog/periods/{periodId}", Ct)).ReadAsAsync<Period>();
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            Assert.Equal((PeriodType.Thematic, PeriodStatus.Open, "NQ09-SO-KET"), (period.Type, period.Status, period.TemplateCode));
            Assert.StartsWith("Sơ kết 1 năm thực hiện Nghị quyết số 09-NQ/TU", period.Name, StringComparison.Ordinal);
            Assert.Equal(period.DataTo.AddYears(-1).AddDays(1), period.DataFrom);
            Assert.InRange(period.DataTo, today.AddDays(-2), today);
            Assert.InRange(period.Deadline, DateTimeOffset.UtcNow.AddDays(20), DateTimeOffset.UtcNow.AddDays(22));

            // Every active unit below the scope's root reports; the root itself does not.
            var instances = await (await admin.GetAsync($"/api/instances?periodId={periodId}", Ct)).ReadAsAsync<List<WorkflowInstance>>();
            Assert.Equal(14, instances.Count);
            Assert.DoesNotContain(instances, i => i.UnitCode == "BDV-TU");

            // One version with the file, decided twice from the links in the mail, in the period's order of stages.
            var report = await (await admin.GetAsync($"/api/periods/{periodId}/reports/HU-DONGSON", Ct)).ReadAsAsync<ReportView>();
            Assert.Equal(ReportState.Approved, report.State);
            var version = Assert.Single(report.Versions);
            Assert.Equal(receipt, version.Receipt);
            Assert.Equal("Báo cáo sơ kết 1 năm Nghị quyết 09 – Đông Sơn.pdf", Assert.Single(version.Attachments).FileName);
            Assert.Equal(
                [
                    (ReportTrigger.Submit, WorkflowChannel.Api, ReportState.Submitted),
                    (ReportTrigger.Approve, WorkflowChannel.Link, ReportState.AwaitingApproval),
                    (ReportTrigger.Approve, WorkflowChannel.Link, ReportState.Approved),
                ],
                report.History.Select(h => (h.Event, h.Channel, h.To)));
            Assert.StartsWith("Nguyễn Thị Thu Hà", report.History[1].Actor, StringComparison.Ordinal);
            Assert.StartsWith("Trần Văn Dũng", report.History[2].Actor, StringComparison.Ordinal);

            // The exports it downloaded: a workbook, and the unit's row of figures in the CSV.
            using (var workbook = ZipFile.OpenRead(Path.Combine(output, periodId + ".xlsx")))
            {
                Assert.Contains(workbook.Entries, e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal));
            }
            var csv = await File.ReadAllLinesAsync(Path.Combine(output, periodId + ".csv"), Ct);
            var row = Assert.Single(csv, l => l.StartsWith("HU-DONGSON,", StringComparison.Ordinal));
            Assert.StartsWith("HU-DONGSON,Ban Dân vận Huyện ủy Đông Sơn,", row, StringComparison.Ordinal);
            Assert.Contains(",Đã duyệt,1,12,9,4,Có,", row, StringComparison.Ordinal);

            // The key the walk issued is revoked again; the unit's own key stays.
            var keys = await (await admin.GetAsync("/api/catalog/units/HU-DONGSON/keys", Ct)).ReadAsAsync<List<UnitKeyInfo>>();
            Assert.Single(keys, k => k.RevokedAt is null);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task The_walk_stops_at_the_first_step_that_answers_otherwise_and_says_which()
    {
        var walk = await WalkAsync("not-the-admin-key-0123456789", Path.GetTempPath());
        Assert.Equal(1, walk.ExitCode);
        Assert.Contains("step \"1. Catalogue: a unit, a template, a thematic period\" failed: GET /api/catalog/units/HU-DONGSON answered 401, expected 200",
            walk.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("walk: done", walk.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_walk_posts_the_template_of_the_worked_example_on_the_catalogue_page() =>
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(
                System.Text.Json.Nodes.JsonNode.Parse(WorkedExample.WalkTemplate), System.Text.Json.Nodes.JsonNode.Parse(WorkedExample.Template)),
            "scripts/walk.sh and docs/catalogue.md show different templates");

    private sealed record Run(int ExitCode, string Output, string Error);

    private async Task<Run> WalkAsync(string adminKey, string output)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = Repository.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Repository.Root, "scripts", "walk.sh"));
        start.Environment["BAOCAO_URL"] = demo.App.BaseAddress.ToString().TrimEnd('/');
        start.Environment["BAOCAO_ADMIN_KEY"] = adminKey;
        start.Environment["WALK_OUT"] = output;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        patience.CancelAfter(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the walk did not end within 4 minutes:\n{await stdout}\n{await stderr}");
        }
        return new Run(process.ExitCode, await stdout, await stderr);
    }
}
