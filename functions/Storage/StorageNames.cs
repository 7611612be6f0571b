namespace Baocao.Storage;

/// <summary>
/// Every table, container and queue the app uses; those in <see cref="Tables"/>, <see cref="Containers"/> and
/// <see cref="Queues"/> are created at start-up, the local mailbox's only when the local mail sink is on.
/// </summary>
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

    /// <summary>
    /// The local mail sink's table and container (bodies too big for a row), and the application id its storage clients
    /// carry: the sink stands in for SendGrid, so its requests are told apart from the app's, and it is never in Azure.
    /// </summary>
    public const string LocalMailTable = "devmail";
    public const string LocalMailContainer = "devmail";
    public const string LocalMailClient = "baocao-local-mailbox";

    public static readonly string[] Tables = [CatalogTable, ApiKeysTable, WorkflowTable, TimerIndexTable, UploadsTable];
    public static readonly string[] Containers = [AttachmentsContainer, ExportsContainer];
    public static readonly string[] Queues = [OutboxQueue, OutboxPoisonQueue];
}
