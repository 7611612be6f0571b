using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Baocao.Tests.Infrastructure;

/// <summary>
/// Everything in storage at one moment: every entity of every table (with its ETag), every blob, every queue's length.
/// Two equal snapshots prove a rejected request wrote nothing. Tables, containers and queues whose names start with one
/// of <paramref name="except"/> (a task hub's, which its engine changes on its own, say) are left out.
/// </summary>
public sealed record StorageSnapshot(IReadOnlyList<string> Lines)
{
    public static async Task<StorageSnapshot> TakeAsync(string connectionString, params string[] except)
    {
        bool Kept(string name) => !except.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
        var lines = new List<string>();
        var tables = new TableServiceClient(connectionString);
        await foreach (var table in tables.QueryAsync())
        {
            if (!Kept(table.Name)) continue;
            await foreach (var entity in tables.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                lines.Add($"table {table.Name} {entity.PartitionKey}/{entity.RowKey} {entity.ETag}");
            }
        }
        var blobs = new BlobServiceClient(connectionString);
        await foreach (var container in blobs.GetBlobContainersAsync())
        {
            if (!Kept(container.Name)) continue;
            await foreach (var blob in blobs.GetBlobContainerClient(container.Name).GetBlobsAsync())
            {
                lines.Add($"blob {container.Name}/{blob.Name} {blob.Properties.ETag}");
            }
        }
        var queues = new QueueServiceClient(connectionString);
        await foreach (var queue in queues.GetQueuesAsync())
        {
            if (!Kept(queue.Name)) continue;
            var properties = await queues.GetQueueClient(queue.Name).GetPropertiesAsync();
            lines.Add($"queue {queue.Name} {properties.Value.ApproximateMessagesCount}");
        }
        lines.Sort(StringComparer.Ordinal);
        return new StorageSnapshot(lines);
    }

    public bool Equals(StorageSnapshot? other) => other is not null && Lines.SequenceEqual(other.Lines);

    public override int GetHashCode() => Lines.Count;

    /// <summary>What differs, so a failing comparison shows the rows written rather than the last line of each.</summary>
    public override string ToString() => string.Join('\n', Lines);

    public string Diff(StorageSnapshot after) =>
        string.Join('\n', Lines.Except(after.Lines).Select(l => "- " + l).Concat(after.Lines.Except(Lines).Select(l => "+ " + l)));
}
