using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Baocao.Storage;

namespace Baocao.Tests.Infrastructure;

/// <summary>The kinds of storage request the probe tells apart.</summary>
public enum StorageRequestKind
{
    TableRead,
    TableWrite,
    TableBatch,
    QueueMessage,
    QueueOther,
    Blob,
}

/// <summary>What a crashed process does to the request it was making: it never leaves, or its answer is never read.</summary>
public enum CrashPoint
{
    BeforeSending,
    AfterSending,
}

/// <summary>Thrown where the probe stops a request, as a process that died there would stop.</summary>
public sealed class SimulatedCrash(int request) : Exception($"Simulated crash at storage request {request}.");

/// <summary>Thrown where the probe fails one request, as storage that never answered it; not retried.</summary>
public sealed class SimulatedFailure() : Exception("Simulated failure of a storage request.");

/// <summary>
/// A pipeline policy in every storage client of an app (registered as an <see cref="HttpPipelinePolicy"/> service):
/// counts requests by kind and, when armed, fails the Nth request and every one after it, as a crashed process makes
/// no further requests, not even in its catch blocks. The durable engine's requests to its task hub pass untouched:
/// they poll on their own clock, not the app's; so do the local mailbox's, which stands in for SendGrid (in Azure a
/// mail costs no storage request, and SendGrid does not crash with the app).
/// </summary>
public sealed class StorageProbe(LocalAzurite azurite) : HttpPipelinePolicy
{
    private readonly ConcurrentDictionary<StorageRequestKind, int> _counts = new();
    private int _requests;
    private int _pending;
    private (int At, CrashPoint Point)? _crash;
    private Slowdown? _slow;
    private Watch? _watch;

    /// <summary>A class, so a request reading it never sees half of one set meanwhile.</summary>
    private sealed record Slowdown(Func<Request, bool> Which, TimeSpan By, bool ThenFail);

    private sealed record Watch(Func<Request, bool> Which, TaskCompletionSource Seen);

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Requests sent and not yet answered (or failed).</summary>
    public int Pending => Volatile.Read(ref _pending);

    public IReadOnlyDictionary<StorageRequestKind, int> Counts => Enum.GetValues<StorageRequestKind>().ToDictionary(k => k, k => _counts.GetValueOrDefault(k));

    /// <summary>Starts counting afresh, disarmed.</summary>
    public void Reset()
    {
        _counts.Clear();
        Volatile.Write(ref _requests, 0);
        _crash = null;
        _slow = null;
    }

    /// <summary>Counts afresh and fails request <paramref name="request"/> (1-based) and all that follow.</summary>
    public void CrashAt(int request, CrashPoint point)
    {
        Reset();
        _crash = (request, point);
    }

    /// <summary>Holds each request that <paramref name="which"/> picks for <paramref name="by"/> before it leaves.</summary>
    public void SlowDown(Func<Request, bool> which, TimeSpan by) => _slow = new(which, by, ThenFail: false);

    /// <summary>Holds the next request that <paramref name="which"/> picks for <paramref name="by"/>, then fails it; later ones go.</summary>
    public void FailNext(Func<Request, bool> which, TimeSpan by) => _slow = new(which, by, ThenFail: true);

    /// <summary>Completes when the next request that <paramref name="which"/> picks is on its way to storage.</summary>
    public Task NextSentAsync(Func<Request, bool> which)
    {
        var watch = new Watch(which, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _watch = watch;
        return watch.Seen.Task;
    }

    /// <summary>A block staged for a block blob (Put Block), whose body streams as the app receives it.</summary>
    public static bool IsBlockStage(Request request) =>
        request.Method == RequestMethod.Put && request.Uri.Query.TrimStart('?').Split('&').Contains("comp=block", StringComparer.Ordinal);

    /// <summary>A block blob's block-list commit (Put Block List).</summary>
    public static bool IsBlockListCommit(Request request) =>
        request.Method == RequestMethod.Put && request.Uri.Query.Contains("comp=blocklist", StringComparison.Ordinal);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (PassesUntouched(message.Request))
        {
            ProcessNext(message, pipeline);
            return;
        }
        var n = Before(message.Request);
        if (Held(message.Request) is { } hold)
        {
            Thread.Sleep(hold.By);
            FailIfDue(hold);
        }
        Interlocked.Increment(ref _pending);
        try
        {
            ProcessNext(message, pipeline);
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
        After(n);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (PassesUntouched(message.Request))
        {
            await ProcessNextAsync(message, pipeline);
            return;
        }
        var n = Before(message.Request);
        if (Held(message.Request) is { } hold)
        {
            await Task.Delay(hold.By);
            FailIfDue(hold);
        }
        Interlocked.Increment(ref _pending);
        try
        {
            await ProcessNextAsync(message, pipeline);
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
        After(n);
    }

    private int Before(Request request)
    {
        var n = Interlocked.Increment(ref _requests);
        _counts.AddOrUpdate(Kind(request), 1, (_, c) => c + 1);
        if (_watch is { } watch && watch.Which(request)) watch.Seen.TrySetResult();
        if (_crash is { } crash && (n > crash.At || (n == crash.At && crash.Point == CrashPoint.BeforeSending))) throw new SimulatedCrash(n);
        return n;
    }

    private Slowdown? Held(Request request) => _slow is { } slow && slow.Which(request) ? slow : null;

    private void FailIfDue(Slowdown hold)
    {
        if (hold.ThenFail && Interlocked.CompareExchange(ref _slow, null, hold) == hold) throw new SimulatedFailure();
    }

    private void After(int n)
    {
        if (_crash is { } crash && n == crash.At && crash.Point == CrashPoint.AfterSending) throw new SimulatedCrash(n);
    }

    /// <summary>A request of the durable engine to its task hub, or of the local mailbox, told by the application id its clients carry.</summary>
    private static bool PassesUntouched(Request request) =>
        request.Headers.TryGetValue("User-Agent", out var agent)
        && (agent.StartsWith(Baocao.LocalHost.Durable.DurableEngineSetup.StorageApplicationId, StringComparison.Ordinal)
            || agent.StartsWith(StorageNames.LocalMailClient, StringComparison.Ordinal));

    private StorageRequestKind Kind(Request request)
    {
        var port = request.Uri.Port;
        var path = request.Uri.Path;
        if (port == azurite.BlobPort) return StorageRequestKind.Blob;
        if (port == azurite.QueuePort) return path.EndsWith("/messages", StringComparison.Ordinal) || path.Contains("/messages/", StringComparison.Ordinal)
            ? StorageRequestKind.QueueMessage : StorageRequestKind.QueueOther;
        if (path.EndsWith("$batch", StringComparison.Ordinal)) return StorageRequestKind.TableBatch;
        return request.Method == RequestMethod.Get ? StorageRequestKind.TableRead : StorageRequestKind.TableWrite;
    }
}
