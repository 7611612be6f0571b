using Baocao.LocalHost.Durable;
using Baocao.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Hosting;

namespace Baocao.Benchmarks.Scenarios;

/// <summary>
/// The idle half of scenario 4: the durable engine with nothing moving, under this project's host.json settings and
/// under Durable Functions' defaults (partitionCount 4, maxQueuePollingInterval 30 s), both idle at the same time
/// against one Azurite, each engine's storage requests counted by its own pipeline policy and scaled to a day.
/// </summary>
public static class EngineIdle
{
    public static async Task<IReadOnlyList<Result>> RunAsync(string root, Sizes sizes, CancellationToken ct)
    {
        var (blob, queue, table) = (LocalAzurite.FreePort(), LocalAzurite.FreePort(), LocalAzurite.FreePort());
        await using var azurite = await LocalAzurite.StartAsync(root, blob, queue, table, location: null, ct);
        var ours = new StorageRequestCounter(blob, queue, table);
        var defaults = new StorageRequestCounter(blob, queue, table);
        var floor = typeof(EngineFloorFunctions).Assembly;
        using var oursHost = await DurableEngineSetup.StartEngineHostAsync(floor, azurite.ConnectionString, new Dictionary<string, string>(), ours, ct);
        using var defaultsHost = await DurableEngineSetup.StartEngineHostAsync(floor, azurite.ConnectionString, new Dictionary<string, string>
        {
            ["hubName"] = "DurableDefaults",
            ["storageProvider:partitionCount"] = DurableSettings.Defaults.PartitionCount.ToString(),
            ["storageProvider:maxQueuePollingInterval"] = DurableSettings.Defaults.MaxQueuePollingInterval.ToString(),
            ["useAppLease"] = DurableSettings.Defaults.UseAppLease.ToString(),
        }, defaults, ct);
        // Leases taken and queues backed off to their longest interval before the count starts.
        await Task.Delay(sizes.IdleWarmUp, ct);
        var (oursBefore, defaultsBefore) = (ours.Snapshot(), defaults.Snapshot());
        await Task.Delay(sizes.Idle, ct);
        var perDay = TimeSpan.FromDays(1) / sizes.Idle;
        var oursDay = ours.Since(oursBefore).Values.Sum() * perDay;
        var defaultsDay = defaults.Since(defaultsBefore).Values.Sum() * perDay;
        foreach (var (kind, count) in ours.Since(oursBefore).OrderBy(k => k.Key)) Console.WriteLine($"engine idle (ours): {kind,-28} {count * perDay,8:0} a day");
        foreach (var (kind, count) in defaults.Since(defaultsBefore).OrderBy(k => k.Key)) Console.WriteLine($"engine idle (defaults): {kind,-24} {count * perDay,8:0} a day");
        var ratio = oursDay / defaultsDay;
        await Task.WhenAll(oursHost.StopAsync(ct), defaultsHost.StopAsync(ct));
        return [new Result("engine idle", oursDay, "requests/day", defaultsDay, ratio,
            $"{oursDay:0} storage requests a day with host.json's settings vs {defaultsDay:0} with Durable Functions' defaults = {ratio:0.00} (idle {sizes.Idle.TotalMinutes:0.#} min, scaled)",
            "≤ 1/3", ratio <= 1 / 3.0)];
    }
}

/// <summary>The engine's floor: a bare orchestration that waits for one event and runs one empty activity.</summary>
public static class EngineFloorFunctions
{
    public const string GoEvent = "Go";

    [Function(nameof(FloorOrchestration))]
    public static async Task FloorOrchestration([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        await context.WaitForExternalEvent<string>(GoEvent);
        await context.CallActivityAsync(nameof(FloorActivity), context.InstanceId);
    }

    [Function(nameof(FloorActivity))]
    public static void FloorActivity([ActivityTrigger] string instanceId)
    {
    }
}
