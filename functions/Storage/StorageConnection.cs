using Azure.Core;
using Azure.Identity;

namespace Baocao.Storage;

/// <summary>
/// How to reach storage, read from <c>AzureWebJobsStorage</c> the way the Functions host reads it: either a connection
/// string (including <c>UseDevelopmentStorage=true</c>), or the identity form <c>AzureWebJobsStorage__accountName</c>
/// (or explicit <c>__blobServiceUri</c>, <c>__queueServiceUri</c>, <c>__tableServiceUri</c>) with DefaultAzureCredential.
/// </summary>
public sealed record StorageConnection(string? ConnectionString, Uri? BlobUri, Uri? QueueUri, Uri? TableUri, TokenCredential? Credential)
{
    public const string Setting = "AzureWebJobsStorage";
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    public bool IsDevelopmentStorage =>
        string.Equals(ConnectionString?.Trim().TrimEnd(';'), DevelopmentStorage, StringComparison.OrdinalIgnoreCase);

    public static StorageConnection From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Setting);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            return new StorageConnection(section.Value, null, null, null, null);
        }
        var account = section["accountName"];
        var blob = Endpoint(section["blobServiceUri"], account, "blob");
        var queue = Endpoint(section["queueServiceUri"], account, "queue");
        var table = Endpoint(section["tableServiceUri"], account, "table");
        if (blob is null || queue is null || table is null)
        {
            throw new InvalidOperationException(
                "Storage is not configured: set AzureWebJobsStorage to a connection string (UseDevelopmentStorage=true locally), " +
                "or AzureWebJobsStorage__accountName for identity-based access.");
        }
        var clientId = section["clientId"];
        TokenCredential credential = string.IsNullOrEmpty(clientId)
            ? new DefaultAzureCredential()
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
        return new StorageConnection(null, blob, queue, table, credential);
    }

    private static Uri? Endpoint(string? explicitUri, string? account, string service) =>
        !string.IsNullOrWhiteSpace(explicitUri) ? new Uri(explicitUri)
        : !string.IsNullOrWhiteSpace(account) ? new Uri($"https://{account}.{service}.core.windows.net")
        : null;
}
