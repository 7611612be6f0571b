using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Baocao.Access;
using Baocao.Hosting;
using Baocao.Mail;
using Baocao.Storage;
using Baocao.Submissions;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Reliability;

/// <summary>
/// Units rush their reports in with Idempotency-Keys while the app, running as its own process as under the Functions
/// host, is killed with SIGKILL again and again and started anew. Clients resend as real clients do. Nothing
/// acknowledged is lost or doubled, no version lacks a file, every history chain holds, and the outbox drains.
/// </summary>
public sealed class CrashRushTests(TestApp storage) : IClassFixture<TestApp>
{
    private const string Period = "2026-H1";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>One submission a unit means to make: its key, its note (which tells its version apart) and its files.</summary>
    private sealed record Planned(string Unit, string Key, string Note, (string Name, byte[] Content)[] Files)
    {
        public string Report => Submitter.GoodReport.Replace("Báo cáo gửi đúng hạn.", Note, StringComparison.Ordinal);

        public HttpRequestMessage Request()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/periods/{Period}/reports/{Unit}/submissions") { Content = Submitter.Form(Report, Files) };
            request.Headers.Add(SubmissionsApi.IdempotencyHeader, Key);
            return request;
        }
    }

    [Fact]
    public async Task Acknowledged_submissions_survive_repeated_SIGKILLs_exactly_once_with_their_files_and_the_outbox_drains()
    {
        var scale = ReliabilityScale.Factor;
        var units = ReliabilityScale.Units(3 + scale);
        var perUnit = 3 * scale;
        var kills = 2 + scale;
        var figures = new Figures("crash: SIGKILL mid-rush");

        var settings = AppProcess.HostSettings(storage.Azurite.ConnectionString, LocalAzurite.FreePort());
        settings["Baocao__SeedDemoData"] = "true";
        await using var app = await AppProcess.StartBuiltAsync(settings, Ct);
        using var admin = app.Admin();
        var keys = new Dictionary<string, string>();
        foreach (var unit in units)
        {
            keys[unit] = (await (await admin.PostAsync($"/api/catalog/units/{unit}/keys", null, Ct)).ReadAsAsync<IssuedUnitKey>()).Key;
        }
        var random = new Random(20261124);
        var plans = units.ToDictionary(u => u, u => Enumerable.Range(1, perUnit).Select(n => new Planned(u, Guid.NewGuid().ToString(), $"Lần nộp {n} của {u}.",
            Enumerable.Range(1, 1 + n % 2).Select(f => ($"Phụ lục {f} – lần {n}.pdf", Pdf(random, 64 * 1024 * (1 + random.Next(8))))).ToArray())).ToList());

        var acknowledged = new ConcurrentDictionary<string, SubmissionReceipt>();
        var total = units.Length * perUnit;
        var rush = units.Select(unit => Task.Run(async () =>
        {
            using var http = app.Client().Presenting(keys[unit]);
            var client = new PatientClient(http, figures);
            foreach (var plan in plans[unit])
            {
                using var response = await client.SendAsync(plan.Request, Ct);
                Assert.True(response.StatusCode == HttpStatusCode.Created, $"{plan.Key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
                acknowledged[plan.Key] = await response.ReadAsAsync<SubmissionReceipt>();
                figures.CountAcknowledged();
            }
        }, Ct)).ToList();

        // Kill at evenly spread points of the rush, each time while requests are in flight, and start again at once.
        for (var k = 1; k <= kills; k++)
        {
            var share = total * k / (kills + 1);
            await Eventually.UntilAsync(() => acknowledged.Count >= share || rush.All(t => t.IsCompleted), $"{share} submissions acknowledged",
                TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(10));
            if (rush.All(t => t.IsCompleted)) break;
            await app.KillAsync();
            figures.CountFault();
            await app.RestartAsync(Ct);
        }
        await Task.WhenAll(rush);
        Assert.True(figures.Faults >= 2, $"only {figures.Faults} kills landed inside the rush");

        // Every acknowledged submission is one version holding its own note and receipt; no other version exists.
        foreach (var unit in units)
        {
            var report = await (await admin.GetAsync($"/api/periods/{Period}/reports/{unit}", Ct)).ReadAsAsync<ReportView>();
            var byNote = report.Versions.GroupBy(v => v.Note).ToDictionary(g => g.Key!, g => g.ToList());
            foreach (var plan in plans[unit])
            {
                var versions = byNote.GetValueOrDefault(plan.Note) ?? [];
                if (versions.Count == 0) figures.Lost++;
                figures.Duplicated += Math.Max(0, versions.Count - 1);
                if (versions.Count != 1) continue;
                var version = versions[0];
                Assert.Equal((acknowledged[plan.Key].Version, acknowledged[plan.Key].Receipt), (version.Version, version.Receipt));
                // No version without its files: each is there, whole, with the hash the receipt promised.
                Assert.Equal(plan.Files.Select(f => (f.Name, Sha256(f.Content))), version.Attachments.Select(a => (a.FileName, a.Sha256)));
                foreach (var (attachment, file) in version.Attachments.Zip(plan.Files))
                {
                    var bytes = await admin.GetByteArrayAsync(attachment.Href, Ct);
                    Assert.Equal(Sha256(file.Content), Sha256(bytes));
                }
            }
            Assert.Equal(perUnit, report.Versions.Count);
        }
        figures.Publish();
        Assert.Equal((0, 0, 0), (figures.Lost, figures.Duplicated, figures.ServerErrors));

        // After the last restart the sweep re-announces what a kill left unannounced, and every request mail goes once.
        await app.KillAsync();
        var engine = storage.Factory.Services.GetRequiredService<WorkflowEngine>();
        var now = DateTimeOffset.UtcNow > storage.Clock.GetUtcNow() ? DateTimeOffset.UtcNow : storage.Clock.GetUtcNow();
        storage.Clock.SetUtcNow(now + OutboxQueue.RecoveryDelay + TimeSpan.FromMinutes(1));
        await storage.Factory.Services.GetRequiredService<TimerSweeper>().SweepAsync(Ct);
        await OutboxDrain.DrainAsync(storage.Factory, storage.Stored.OutboxQueue, Ct);
        var mails = await storage.Factory.Services.GetRequiredService<LocalMailbox>().AllAsync(Ct);
        Assert.Empty(mails.GroupBy(m => m.CustomArgs["outbox"] + " " + string.Join(',', m.To)).Where(g => g.Count() > 1).Select(g => g.Key));
        foreach (var unit in units)
        {
            var id = WorkflowEngine.InstanceId(Period, unit);
            Assert.True((await engine.VerifyHistoryAsync(id, Ct)).Intact, $"history of {id}");
            Assert.Empty(await engine.PendingWorkAsync(id, Ct));
            var submits = (await engine.GetAsync(id, Ct))!.History.Where(e => e.Trigger == ReportTrigger.Submit).ToList();
            Assert.Equal(perUnit, submits.Count);
            Assert.All(submits, e => Assert.Contains(mails, m => m.CustomArgs["outbox"].StartsWith($"{id}/o{e.Sequence:D6}-", StringComparison.Ordinal)));
        }
    }

    private static byte[] Pdf(Random random, int size)
    {
        var content = new byte[size];
        random.NextBytes(content);
        Submitter.PdfHead.CopyTo(content, 0);
        return content;
    }

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
