namespace Baocao.Storage;

/// <summary>
/// Completes once tables, containers and queues exist and start-up tasks (such as demo seeding) have run.
/// The listener is up before this, so the Functions host's readiness probe never waits on storage.
/// </summary>
public sealed class StorageReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Ready => _ready.Task;

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    internal void MarkReady() => _ready.TrySetResult();

    internal void MarkFailed(Exception error) => _ready.TrySetException(error);
}

/// <summary>Work that needs storage and must finish before the app serves requests (seeding, for one).</summary>
public interface IStartupTask
{
    Task RunAsync(CancellationToken cancellationToken);
}
