using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Baocao.Hosting;
using Baocao.Storage;

namespace Baocao.Catalog;

/// <summary>
/// The catalogue in one table: a partition per kind (levels, units, templates, periods, posts), each record kept whole as JSON.
/// A province has at most a few thousand units, so one partition per kind keeps reads to a single range query.
/// </summary>
public sealed class CatalogStore(TableServiceClient service)
{
    public const string Levels = "level";
    public const string Units = "unit";
    public const string Templates = "template";
    public const string Periods = "period";
    public const string Posts = "post";

    /// <summary>Table Storage keeps a string property up to 32K UTF-16 characters.</summary>
    public const int MaxRecordChars = 32_000;

    private const int MaxBatch = 100;

    private readonly TableClient _table = service.Table(StorageNames.CatalogTable);

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Stored);

    public async Task<Stored<T>?> GetAsync<T>(string partition, string key, CancellationToken cancellationToken)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(partition, key, ["Json"], cancellationToken);
        return response.HasValue ? Read<T>(response.Value!) : null;
    }

    public async Task<IReadOnlyList<T>> ListAsync<T>(string partition, CancellationToken cancellationToken, string? keyPrefix = null)
    {
        var filter = keyPrefix is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {keyPrefix} and RowKey lt {keyPrefix + '\uffff'}");
        var items = new List<T>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, select: ["Json"], cancellationToken: cancellationToken))
        {
            items.Add(Read<T>(entity).Value);
        }
        return items;
    }

    /// <summary>Adds a record that must not exist yet; false when it does.</summary>
    public async Task<bool> TryAddAsync<T>(string partition, string key, T value, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddEntityAsync(Entity(partition, key, value), cancellationToken);
            return true;
        }
        catch (RequestFailedException error) when (error.Status == StatusCodes.Status409Conflict)
        {
            return false;
        }
    }

    /// <summary>Replaces a record only if nobody changed it since it was read; false when somebody did.</summary>
    public async Task<bool> TryReplaceAsync<T>(string partition, string key, T value, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await _table.UpdateEntityAsync(Entity(partition, key, value), etag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException error) when (error.Status == StatusCodes.Status412PreconditionFailed)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes a partition's records in entity-group transactions of up to 100: all of a batch or none of it.
    /// Callers validate the whole set first, so a rejected import writes nothing.
    /// </summary>
    public async Task UpsertAllAsync<T>(string partition, IEnumerable<(string Key, T Value)> records, CancellationToken cancellationToken)
    {
        foreach (var chunk in records.Chunk(MaxBatch))
        {
            var actions = chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Entity(partition, r.Key, r.Value)));
            await _table.SubmitTransactionAsync(actions, cancellationToken);
        }
    }

    public async Task DeleteAsync(string partition, string key, CancellationToken cancellationToken) =>
        await _table.DeleteEntityAsync(partition, key, ETag.All, cancellationToken);

    private static readonly JsonSerializerOptions Stored = JsonBody.Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    private static TableEntity Entity<T>(string partition, string key, T value) =>
        new(partition, key) { ["Json"] = Serialize(value) };

    private static Stored<T> Read<T>(TableEntity entity) =>
        new(JsonSerializer.Deserialize<T>(entity.GetString("Json"), Stored)!, entity.ETag);
}

/// <summary>A record as read, with the ETag that guards replacing it.</summary>
public sealed record Stored<T>(T Value, ETag ETag);
