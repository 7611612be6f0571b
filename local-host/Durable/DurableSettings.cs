using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableTask.AzureStorage;

namespace Baocao.LocalHost.Durable;

/// <summary>
/// host.json's <c>extensions.durableTask</c> section, with Durable Functions' defaults, turned into the Azure Storage
/// provider's settings: what the Durable extension configures in Azure, the local engine configures here.
/// </summary>
internal sealed record DurableSettings(string HubName, int PartitionCount, TimeSpan MaxQueuePollingInterval,
    int ControlQueueBatchSize, int ControlQueueBufferThreshold, TimeSpan ControlQueueVisibilityTimeout,
    TimeSpan WorkItemQueueVisibilityTimeout, int MaxConcurrentActivities, int MaxConcurrentOrchestrations,
    bool ExtendedSessionsEnabled, bool UseTablePartitionManagement, bool UseAppLease)
{
    /// <summary>Durable Functions' own defaults (the hub name is the one Core Tools uses locally).</summary>
    public static readonly DurableSettings Defaults = new("TestHubName", PartitionCount: 4, TimeSpan.FromSeconds(30),
        ControlQueueBatchSize: 32, ControlQueueBufferThreshold: 256, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5),
        MaxConcurrentActivities: 10 * Environment.ProcessorCount, MaxConcurrentOrchestrations: 10 * Environment.ProcessorCount,
        ExtendedSessionsEnabled: false, UseTablePartitionManagement: true, UseAppLease: true);

    /// <summary>The section as host.json (with its app-setting overrides) gives it.</summary>
    public static DurableSettings Read(HostJsonSection section)
    {
        var d = Defaults;
        return new DurableSettings(section.Value("hubName") ?? d.HubName,
            section.Int("storageProvider:partitionCount", d.PartitionCount),
            section.Time("storageProvider:maxQueuePollingInterval", d.MaxQueuePollingInterval),
            section.Int("storageProvider:controlQueueBatchSize", d.ControlQueueBatchSize),
            section.Int("storageProvider:controlQueueBufferThreshold", d.ControlQueueBufferThreshold),
            section.Time("storageProvider:controlQueueVisibilityTimeout", d.ControlQueueVisibilityTimeout),
            section.Time("storageProvider:workItemQueueVisibilityTimeout", d.WorkItemQueueVisibilityTimeout),
            section.Int("maxConcurrentActivityFunctions", d.MaxConcurrentActivities),
            section.Int("maxConcurrentOrchestratorFunctions", d.MaxConcurrentOrchestrations),
            section.Bool("extendedSessionsEnabled", d.ExtendedSessionsEnabled),
            section.Bool("storageProvider:useTablePartitionManagement", d.UseTablePartitionManagement),
            section.Bool("useAppLease", d.UseAppLease));
    }

    /// <summary>The provider's settings for the storage account <paramref name="connectionString"/>, its clients carrying <paramref name="policies"/>.</summary>
    public AzureStorageOrchestrationServiceSettings ForProvider(string connectionString, ILoggerFactory loggerFactory,
        IEnumerable<HttpPipelinePolicy>? policies = null) => new()
    {
        StorageAccountClientProvider = new StorageAccountClientProvider(
            StorageServiceClientProvider.ForBlob(connectionString, new BlobClientOptions().WithPolicies(policies ?? [])),
            StorageServiceClientProvider.ForQueue(connectionString, new QueueClientOptions().WithPolicies(policies ?? [])),
            StorageServiceClientProvider.ForTable(connectionString, new TableClientOptions().WithPolicies(policies ?? []))),
        TaskHubName = HubName,
        PartitionCount = PartitionCount,
        MaxQueuePollingInterval = MaxQueuePollingInterval,
        ControlQueueBatchSize = ControlQueueBatchSize,
        ControlQueueBufferThreshold = ControlQueueBufferThreshold,
        ControlQueueVisibilityTimeout = ControlQueueVisibilityTimeout,
        WorkItemQueueVisibilityTimeout = WorkItemQueueVisibilityTimeout,
        MaxConcurrentTaskActivityWorkItems = MaxConcurrentActivities,
        MaxConcurrentTaskOrchestrationWorkItems = MaxConcurrentOrchestrations,
        ExtendedSessionsEnabled = ExtendedSessionsEnabled,
        UseTablePartitionManagement = UseTablePartitionManagement,
        UseAppLease = UseAppLease,
        // As Durable Functions: starting an id that is pending or running is refused, not silently overwritten.
        ThrowExceptionOnInvalidDedupeStatus = true,
        LoggerFactory = loggerFactory,
    };
}
