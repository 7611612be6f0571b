using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Baocao.Catalog;
using Baocao.Hosting;
using Baocao.Storage;

namespace Baocao.Access;

/// <summary>What an admin sees of a unit's key: never the secret, which is shown once when issued.</summary>
public sealed record UnitKeyInfo(string KeyId, string UnitCode, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A freshly issued key: <see cref="Key"/> is shown this once and never stored.</summary>
public sealed record IssuedUnitKey(string KeyId, string UnitCode, string Key, DateTimeOffset CreatedAt);

/// <summary>
/// API keys of reporting units. A key reads <c>bc_{keyId}_{secret}</c>: the id finds the record with one point read,
/// and only the SHA-256 of the 256-bit secret is stored, compared in constant time. A unit may hold two live keys at
/// once, so it can rotate: issue the new key, switch its system over, revoke the old one.
/// </summary>
public sealed class UnitKeys(TableServiceClient tables, CatalogService catalog, TimeProvider clock)
{
    public const int MaxLiveKeysPerUnit = 2;

    /// <summary>
    /// How long a verified key is trusted without reading storage again. Revoking ends a key at once on the instance
    /// that revokes it, and within this time on any other.
    /// </summary>
    public static readonly TimeSpan VerifiedFor = TimeSpan.FromSeconds(60);

    private sealed record Verified(byte[] Hash, string UnitCode, DateTimeOffset Until);

    private readonly ConcurrentDictionary<string, Verified> _verified = new();
    private const string Partition = "key";
    private const string Prefix = "bc_";

    private readonly TableClient _table = tables.Table(StorageNames.ApiKeysTable);

    public async Task<Outcome<IssuedUnitKey>> IssueAsync(string unitCode, CancellationToken cancellationToken)
    {
        var unit = await catalog.GetUnitAsync(unitCode, cancellationToken);
        if (unit is null) return Problems.NotFound($"Không có đơn vị '{unitCode}'.");
        var live = (await ListAsync(unit.Code, cancellationToken)).Count(k => k.RevokedAt is null);
        if (live >= MaxLiveKeysPerUnit)
        {
            return Problems.Conflict("too-many-keys", $"Đơn vị '{unit.Code}' đã có {live} khoá đang dùng; hãy thu hồi một khoá trước khi cấp khoá mới.");
        }
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var issued = new IssuedUnitKey(keyId, unit.Code, $"{Prefix}{keyId}_{secret}", clock.GetUtcNow());
        await StoreAsync(keyId, unit.Code, secret, issued.CreatedAt, cancellationToken);
        return issued;
    }

    /// <summary>Registers a key whose text is already known (the demo unit's key from local settings). Does nothing if it exists.</summary>
    public async Task EnsureAsync(string unitCode, string key, CancellationToken cancellationToken)
    {
        if (!TryParse(key, out var keyId, out var secret)) throw new InvalidOperationException("A unit key must read bc_{id}_{secret}.");
        if ((await _table.GetEntityIfExistsAsync<TableEntity>(Partition, keyId, cancellationToken: cancellationToken)).HasValue) return;
        await StoreAsync(keyId, CatalogText.NormalizeCode(unitCode), secret, clock.GetUtcNow(), cancellationToken);
    }

    public async Task<IReadOnlyList<UnitKeyInfo>> ListAsync(string unitCode, CancellationToken cancellationToken)
    {
        var code = CatalogText.NormalizeCode(unitCode);
        var keys = new List<UnitKeyInfo>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and UnitCode eq {code}");
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            keys.Add(Info(entity));
        }
        return keys.OrderBy(k => k.CreatedAt).ToList();
    }

    public async Task<Outcome<UnitKeyInfo>> RevokeAsync(string unitCode, string keyId, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, keyId, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value!.GetString("UnitCode") != CatalogText.NormalizeCode(unitCode))
        {
            return Problems.NotFound($"Đơn vị '{unitCode}' không có khoá '{keyId}'.");
        }
        var entity = found.Value;
        if (entity.GetDateTimeOffset("RevokedAt") is null)
        {
            entity["RevokedAt"] = clock.GetUtcNow();
            await _table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        _verified.TryRemove(keyId, out _);
        return Info(entity);
    }

    /// <summary>The unit a presented key belongs to, or null for a malformed, unknown or revoked key.</summary>
    public async Task<string?> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        if (!TryParse(presented, out var keyId, out var secret)) return null;
        var now = clock.GetUtcNow();
        if (_verified.TryGetValue(keyId, out var known) && known.Until > now)
        {
            return CryptographicOperations.FixedTimeEquals(Hash(secret), known.Hash) ? known.UnitCode : null;
        }
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, keyId, cancellationToken: cancellationToken);
        if (!found.HasValue) return null;
        var entity = found.Value!;
        if (entity.GetDateTimeOffset("RevokedAt") is not null) return null;
        var stored = entity.GetBinary("Hash");
        if (!CryptographicOperations.FixedTimeEquals(Hash(secret), stored)) return null;
        _verified[keyId] = new Verified(stored, entity.GetString("UnitCode"), now + VerifiedFor);
        return entity.GetString("UnitCode");
    }

    private async Task StoreAsync(string keyId, string unitCode, string secret, DateTimeOffset createdAt, CancellationToken cancellationToken) =>
        await _table.AddEntityAsync(new TableEntity(Partition, keyId)
        {
            ["UnitCode"] = unitCode,
            ["Hash"] = Hash(secret),
            ["CreatedAt"] = createdAt,
        }, cancellationToken);

    private static bool TryParse(string presented, out string keyId, out string secret)
    {
        keyId = secret = "";
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var parts = presented[Prefix.Length..].Split('_', 2);
        if (parts.Length != 2 || parts[0].Length != 12 || !parts[0].All(char.IsAsciiHexDigitLower) || parts[1].Length < 20) return false;
        (keyId, secret) = (parts[0], parts[1]);
        return true;
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static UnitKeyInfo Info(TableEntity entity) =>
        new(entity.RowKey, entity.GetString("UnitCode"), entity.GetDateTimeOffset("CreatedAt")!.Value, entity.GetDateTimeOffset("RevokedAt"));
}
