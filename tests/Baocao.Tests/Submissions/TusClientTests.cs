using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Baocao.Storage;
using Baocao.Submissions;
using Baocao.Tests.Infrastructure;

namespace Baocao.Tests.Submissions;

/// <summary>
/// tus-js-client, the protocol's reference client from npm, uploads a large scan to the app running as its own process,
/// which is killed twice in the middle and started again; the upload resumes and the attached file is intact.
/// </summary>
public sealed class TusClientTests(TestApp storage) : IClassFixture<TestApp>
{
    private const long Size = 300L * 1024 * 1024;
    private const int ChunkSize = 8 * 1024 * 1024;
    private const string DemoKey = "bc_0000000000d1_khoa-mau-chi-dung-tren-may-local";
    private const string FileName = "Hồ sơ quét sơ kết 6 tháng – Đông Sơn.pdf";

    [Fact]
    public async Task A_300_MiB_upload_by_tus_js_client_resumes_after_the_app_is_killed_twice_and_attaches_intact()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = AppProcess.HostSettings(storage.Azurite.ConnectionString, LocalAzurite.FreePort());
        settings["Baocao__SeedDemoData"] = "true";
        settings["Baocao__DemoUnitKey"] = DemoKey;
        await using var app = await AppProcess.StartBuiltAsync(settings, ct);
        var path = Path.Combine(Directory.CreateTempSubdirectory("baocao-tus-").FullName, "scan.pdf");
        var sha256 = await WriteScanAsync(path, ct);
        try
        {
            var endpoint = new Uri(app.BaseAddress, "/api/periods/2026-H1/reports/HU-DONGSON/uploads").ToString();
            var client = Process.Start(new ProcessStartInfo("node") { WorkingDirectory = Repository.Root, RedirectStandardOutput = true, RedirectStandardError = true,
                ArgumentList = { Path.Combine(Repository.Root, "tests", "Baocao.Tests", "Clients", "tus-upload.mjs"), endpoint, path, DemoKey, FileName, ChunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
            var errors = client.StandardError.ReadToEndAsync(ct);
            string? done = null;
            var kills = 0;
            while (await client.StandardOutput.ReadLineAsync(ct) is { } line)
            {
                if (line.StartsWith("done ", StringComparison.Ordinal)) done = line[5..];
                if (!line.StartsWith("offset ", StringComparison.Ordinal)) continue;
                var offset = long.Parse(line[7..], System.Globalization.CultureInfo.InvariantCulture);
                // Crash once a third of the way and once two thirds of the way, each time while the next chunk is in flight.
                if (offset >= Size * (kills + 1) / 3 && kills < 2)
                {
                    kills++;
                    await app.KillAsync();
                    // The app stays down a while, as a crashed host does: the client meets refused connections and retries.
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                    await app.RestartAsync(ct);
                }
            }
            await client.WaitForExitAsync(ct);
            Assert.True(client.ExitCode == 0 && done is not null, $"tus-js-client failed: {await errors}");
            Assert.Equal(2, kills);

            using var http = app.Client().Presenting(DemoKey);
            var report = Submitter.GoodReport.Replace("\"note\"", $"\"uploads\": [\"{done[(done.LastIndexOf('/') + 1)..]}\"], \"note\"", StringComparison.Ordinal);
            var receipt = await (await http.PostAsync("/api/periods/2026-H1/reports/HU-DONGSON/submissions", Submitter.Form(report), ct)).ReadAsAsync<SubmissionReceipt>();
            var attached = Assert.Single(receipt.Attachments);
            Assert.Equal((FileName, Size, sha256), (attached.FileName, attached.Size, attached.Sha256));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    /// <summary>A scan-sized PDF-looking file on disk, different in every megabyte, and its SHA-256.</summary>
    private static async Task<string> WriteScanAsync(string path, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = File.Create(path);
        var block = new byte[1024 * 1024];
        for (var i = 0; i < Size / block.Length; i++)
        {
            new Random(i).NextBytes(block);
            if (i == 0) Submitter.PdfHead.CopyTo(block, 0);
            hash.AppendData(block);
            await file.WriteAsync(block, ct);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
