using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Baocao.Submissions;
using Baocao.Tests.Infrastructure;

namespace Baocao.Tests.Submissions;

/// <summary>Runs alone, after the parallel tests, so the memory it watches is its own.</summary>
[Collection(nameof(RunsAlone))]
public sealed class LargeAttachmentTests(DemoApp app) : IClassFixture<DemoApp>
{
    private const long Size = 300L * 1024 * 1024;
    private const long AllowedGrowth = 64L * 1024 * 1024;

    [Fact]
    public async Task A_300_MiB_attachment_streams_to_storage_while_memory_grows_less_than_64_MiB()
    {
        var unit = await Submitter.ForAsync(app, "TINHDOAN");
        // Warm up the paths a submission takes, so the first-use cost of code and pools is not counted as growth.
        await (await unit.SubmitAsync(Submitter.Form(files: ("khoi-dong.pdf", Submitter.Pdf(5 * 1024 * 1024))))).ReadAsAsync<SubmissionReceipt>();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = Process.GetCurrentProcess().WorkingSet64;
        var peak = baseline;
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                peak = Math.Max(peak, Environment.WorkingSet);
                // A sampling rate, not a wait for anything: the peak is read every 10 ms while the upload runs.
                await Task.Delay(10, CancellationToken.None);
            }
        }, CancellationToken.None);

        var content = new GeneratedPdf(Size);
        var form = Submitter.Form();
        Submitter.AddFile(form, "Hồ sơ quét 300 MiB.pdf", content);
        var watch = Stopwatch.StartNew();
        var response = await unit.SubmitAsync(form);
        watch.Stop();
        await watching.CancelAsync();
        await watcher;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var file = (await response.ReadAsAsync<SubmissionReceipt>()).Attachments.Single();
        Assert.Equal(Size, file.Size);
        Assert.Equal(content.Sha256, file.Sha256);
        var growth = peak - baseline;
        TestContext.Current.SendDiagnosticMessage($"300 MiB in {watch.Elapsed.TotalSeconds:F1} s; working set grew {growth / (1024 * 1024)} MiB at peak");
        Assert.True(growth < AllowedGrowth, $"Working set grew {growth / (1024 * 1024)} MiB (limit {AllowedGrowth / (1024 * 1024)} MiB).");
    }

    /// <summary>A PDF-looking body of any length, made on the fly and never held whole; its SHA-256 is known once sent.</summary>
    private sealed class GeneratedPdf(long length) : HttpContent
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public string? Sha256 { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            for (var i = 0; i < chunk.Length; i++) chunk[i] = (byte)('a' + (i % 26));
            Submitter.PdfHead.CopyTo(chunk, 0);
            for (long sent = 0; sent < length;)
            {
                var count = (int)Math.Min(chunk.Length, length - sent);
                _hash.AppendData(chunk, 0, count);
                await stream.WriteAsync(chunk.AsMemory(0, count));
                sent += count;
                if (sent == count) chunk.AsSpan(0, Submitter.PdfHead.Length).Fill((byte)'x');
            }
            Sha256 = Convert.ToHexStringLower(_hash.GetHashAndReset());
        }

        protected override bool TryComputeLength(out long length1)
        {
            length1 = length;
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
