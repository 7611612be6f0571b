namespace Baocao.Storage;

/// <summary>Every table, container and queue the app uses; created at start-up.</summary>
public static class StorageNames
{
    public const string CatalogTable = "catalog";
    public const string ApiKeysTable = "apikeys";
    public const string WorkflowTable = "workflow";
    public const string UploadsTable = "uploads";
    public const string AttachmentsContainer = "attachments";
    public const string ExportsContainer = "exports";
    public const string TimerIndexTable = "timers";
    public const string OutboxQueue = "outbox";

    /// <summary>Where the local dispatcher moves a message that kept failing, named as the Functions queue trigger names its own.</summary>
    public const string OutboxPoisonQueue = OutboxQueue + "-poison";

    public static readonly string[] Tables = [CatalogTable, ApiKeysTable, WorkflowTable, TimerIndexTable, UploadsTable];
    public static readonly string[] Containers = [AttachmentsContainer, ExportsContainer];
    public static readonly string[] Queues = [OutboxQueue, OutboxPoisonQueue];
}
