using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Baocao.Benchmarks.Scenarios;

/// <summary>
/// The last hours before a deadline: every district submits a report with a 256 KiB attachment at once. The baseline
/// is the storage work a submission cannot avoid (one blob upload and one table batch) done directly with the SDK.
/// </summary>
public static class DeadlineRush
{
    public static async Task<IReadOnlyList<Result>> RunAsync(BenchmarkApp app, Sizes sizes, CancellationToken ct)
    {
        var districts = await app.AddDistrictsAsync(sizes.Units, ct);
        var attachment = new byte[sizes.AttachmentBytes];
        Random.Shared.NextBytes(attachment);
        "%PDF-1.7\n"u8.CopyTo(attachment);

        var blobs = new BlobServiceClient(app.Azurite.ConnectionString).GetBlobContainerClient("bench-rush");
        await blobs.CreateIfNotExistsAsync(cancellationToken: ct);
        var table = new TableServiceClient(app.Azurite.ConnectionString).GetTableClient("benchrush");
        await table.CreateIfNotExistsAsync(ct);
        var baseline = await Measure.ConcurrentlyAsync(sizes.Units, sizes.Concurrency, async (i, token) =>
        {
            await blobs.GetBlobClient($"{i}/bao-cao.pdf").UploadAsync(new BinaryData(attachment), token);
            var partition = $"2026-H1~{districts[i].Unit}";
            await table.SubmitTransactionAsync(
            [
                new(TableTransactionActionType.UpsertReplace, new TableEntity(partition, "instance") { ["State"] = "Submitted" }),
                new(TableTransactionActionType.Add, new TableEntity(partition, "h000001") { ["Trigger"] = "Submit" }),
                new(TableTransactionActionType.Add, new TableEntity(partition, "v000001") { ["Body"] = Reports.Good }),
            ], token);
        }, ct);
        Console.WriteLine($"rush baseline (SDK: blob + batch)  {baseline}");

        using var client = app.Client(connections: sizes.Concurrency);
        var before = app.Requests.Snapshot();
        var measured = await Measure.ConcurrentlyAsync(sizes.Units, sizes.Concurrency, async (i, token) =>
        {
            var (unit, key) = districts[i];
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/periods/2026-H1/reports/{unit}/submissions")
            {
                Content = Reports.Form(Reports.Good, "Báo cáo sơ kết.pdf", new ByteArrayContent(attachment)),
            };
            request.Headers.Add("X-Api-Key", key);
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            Measure.EnsureSuccess(await client.SendAsync(request, token), $"submission of {unit}");
        }, ct);
        var requests = app.Requests.Since(before);
        Console.WriteLine($"rush through the app               {measured}");
        var perSubmission = requests.Where(r => r.Key != StorageRequestCounter.AttachmentBlock).Sum(r => r.Value) / (double)sizes.Units;
        Console.WriteLine("  storage requests per submission: " + string.Join(", ", requests.OrderBy(r => r.Key).Select(r => $"{r.Key} {r.Value / (double)sizes.Units:F2}")));

        var ratio = measured.PerSecond / baseline.PerSecond;
        return
        [
            new("1. deadline rush", measured.PerSecond, "submissions/s", baseline.PerSecond, ratio, $"{measured.PerSecond:F1}/s vs baseline {baseline.PerSecond:F1}/s = {ratio:F2}; p50/p95/p99 {measured.P(50):F0}/{measured.P(95):F0}/{measured.P(99):F0} ms ({sizes.Units} units, concurrency {sizes.Concurrency})", "≥ 0.70 of baseline", ratio >= 0.7),
            new("2. storage requests per submission", perSubmission, "requests", null, null, $"{perSubmission:F2} (attachment blocks excluded)", "≤ 3", perSubmission <= 3),
        ];
    }
}
