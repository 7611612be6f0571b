namespace Baocao.Storage;

/// <summary>Every table, container and queue the app uses; created at start-up.</summary>
public static class StorageNames
{
    public const string CatalogTable = "catalog";
    public const string ApiKeysTable = "apikeys";
    public const string WorkflowTable = "workflow";
    public const string AttachmentsContainer = "attachments";
    public const string ExportsContainer = "exports";
    public const string OutboxQueue = "outbox";

    public static readonly string[] Tables = [CatalogTable, ApiKeysTable, WorkflowTable];
    public static readonly string[] Containers = [AttachmentsContainer, ExportsContainer];
    public static readonly string[] Queues = [OutboxQueue];
}
