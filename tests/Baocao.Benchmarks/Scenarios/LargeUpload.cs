using System.Globalization;
using Azure.Storage.Blobs;
using Baocao.Storage;

namespace Baocao.Benchmarks.Scenarios;

/// <summary>
/// One scanned document of hundreds of megabytes: through the multipart API and through tus in 8 MiB chunks, each
/// against a direct SDK upload of the same generated stream; the app must not hold the file in memory.
/// </summary>
/// <remarks>
/// Each of the three is measured on its own new Azurite and app. Azurite in memory keeps every byte it was sent (a
/// deleted blob's bytes go only at its ten-minute clean-up) and slows as it holds more: staging 500 MiB again and again
/// into one Azurite gave 323, 341, 333 and 331 MiB/s, then 193 and 161 MiB/s once it held about 2.5 GiB. Measured one
/// after another in one Azurite, the later uploads met a slower storage than the baseline did.
/// </remarks>
public static class LargeUpload
{
    private const long MemoryLimit = 64L * 1024 * 1024;
    private const int TusChunk = 8 * 1024 * 1024;
    private const long WarmUpBytes = 32L * 1024 * 1024;

    private delegate Task Upload(BenchmarkApp app, HttpClient client, (string Unit, string Key) district, long size, CancellationToken ct);

    public static async Task<IReadOnlyList<Result>> RunAsync(Func<CancellationToken, Task<BenchmarkApp>> startApp, Sizes sizes, CancellationToken ct)
    {
        var size = sizes.LargeBytes;
        var (baselineTime, _) = await MeasureAsync(startApp, DirectAsync, size, ct);
        var baseline = size / baselineTime.TotalSeconds;
        Console.WriteLine($"large baseline (SDK upload)        {Mib(baseline):F1} MiB/s");

        var (multipartTime, multipartGrowth) = await MeasureAsync(startApp, MultipartAsync, size, ct);
        var multipart = size / multipartTime.TotalSeconds;
        Console.WriteLine($"large through multipart            {Mib(multipart):F1} MiB/s, working set +{multipartGrowth / (1024 * 1024)} MiB");

        var (tusTime, tusGrowth) = await MeasureAsync(startApp, TusAsync, size, ct);
        var tus = size / tusTime.TotalSeconds;
        Console.WriteLine($"large through tus (8 MiB chunks)   {Mib(tus):F1} MiB/s, working set +{tusGrowth / (1024 * 1024)} MiB");

        return
        [
            new("3. large upload, multipart", Mib(multipart), "MiB/s", Mib(baseline), multipart / baseline, $"{Mib(multipart):F1} MiB/s vs SDK {Mib(baseline):F1} MiB/s = {multipart / baseline:F2}; memory +{multipartGrowth / (1024 * 1024)} MiB ({size / (1024 * 1024)} MiB)",
                "≥ 0.80 of SDK; ≤ 64 MiB", multipart / baseline >= 0.8 && multipartGrowth <= MemoryLimit),
            new("3b. large upload, tus", Mib(tus), "MiB/s", Mib(baseline), tus / baseline, $"{Mib(tus):F1} MiB/s vs SDK {Mib(baseline):F1} MiB/s = {tus / baseline:F2}; memory +{tusGrowth / (1024 * 1024)} MiB ({size / (1024 * 1024)} MiB)",
                "≥ 0.70 of SDK; ≤ 64 MiB", tus / baseline >= 0.7 && tusGrowth <= MemoryLimit),
        ];
    }

    /// <summary>
    /// One upload of <paramref name="size"/> bytes on a new Azurite and app, after the same upload at 32 MiB: what the
    /// path compiles on its first use (see TieredCompilation in the project), in the app and in Azurite, is compiled by
    /// then, as in an app that has been running. Returns its time and the process's memory growth.
    /// </summary>
    private static async Task<(TimeSpan Elapsed, long PeakGrowth)> MeasureAsync(
        Func<CancellationToken, Task<BenchmarkApp>> startApp, Upload upload, long size, CancellationToken ct)
    {
        await using var app = await startApp(ct);
        var districts = await app.AddDistrictsAsync(2, ct);
        using var client = app.Client(connections: 4);
        await upload(app, client, districts[0], Math.Min(WarmUpBytes, size), ct);
        return await Measure.WatchingMemoryAsync(() => upload(app, client, districts[1], size, ct));
    }

    /// <summary>
    /// The baseline: the SDK's own upload of the stream, straight into the container the app keeps attachments in (it
    /// exists from the app's start, so the measured time holds the upload alone).
    /// </summary>
    private static Task DirectAsync(BenchmarkApp app, HttpClient client, (string Unit, string Key) district, long size, CancellationToken ct) =>
        new BlobServiceClient(app.Azurite.ConnectionString).GetBlobContainerClient(StorageNames.AttachmentsContainer)
            .GetBlobClient($"benchmark/direct-{district.Unit}.pdf").UploadAsync(new GeneratedPdf(size), cancellationToken: ct);

    /// <summary>One submission with the file as a multipart part.</summary>
    private static async Task MultipartAsync(BenchmarkApp app, HttpClient client, (string Unit, string Key) district, long size, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/periods/2026-H1/reports/{district.Unit}/submissions")
        {
            Content = Reports.Form(Reports.Good, "Hồ sơ quét.pdf", new SliceContent(new GeneratedPdf(size), size)),
        };
        request.Headers.Add("X-Api-Key", district.Key);
        Measure.EnsureSuccess(await client.SendAsync(request, ct), "large multipart submission");
    }

    /// <summary>The tus protocol as any client speaks it: create, then PATCH chunk after chunk, then attach to a submission.</summary>
    private static async Task TusAsync(BenchmarkApp app, HttpClient client, (string Unit, string Key) district, long size, CancellationToken ct)
    {
        var path = $"/api/periods/2026-H1/reports/{district.Unit}/uploads";
        using var create = new HttpRequestMessage(HttpMethod.Post, path);
        create.Headers.Add("X-Api-Key", district.Key);
        create.Headers.Add("Tus-Resumable", "1.0.0");
        create.Headers.Add("Upload-Length", size.ToString(CultureInfo.InvariantCulture));
        create.Headers.Add("Upload-Metadata", "filename " + Convert.ToBase64String("Hồ sơ quét (tus).pdf"u8));
        var created = await client.SendAsync(create, ct);
        Measure.EnsureSuccess(created, "tus create");
        var location = created.Headers.Location!.OriginalString;
        var source = new GeneratedPdf(size);
        for (long offset = 0; offset < size; offset += TusChunk)
        {
            var length = Math.Min(TusChunk, size - offset);
            using var patch = new HttpRequestMessage(HttpMethod.Patch, location) { Content = new SliceContent(source, length) };
            patch.Content.Headers.ContentType = new("application/offset+octet-stream");
            patch.Headers.Add("X-Api-Key", district.Key);
            patch.Headers.Add("Tus-Resumable", "1.0.0");
            patch.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
            Measure.EnsureSuccess(await client.SendAsync(patch, ct), $"tus PATCH at {offset}");
        }
        using var submit = new HttpRequestMessage(HttpMethod.Post, $"/api/periods/2026-H1/reports/{district.Unit}/submissions")
        {
            Content = Reports.Form(Reports.WithUpload(location[(location.LastIndexOf('/') + 1)..])),
        };
        submit.Headers.Add("X-Api-Key", district.Key);
        Measure.EnsureSuccess(await client.SendAsync(submit, ct), "submission of the tus upload");
    }

    private static double Mib(double bytesPerSecond) => bytesPerSecond / (1024 * 1024);
}
