using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Baocao.Workflow;

/// <summary>Starting an orchestration once under its own id, as period and report orchestrations both are.</summary>
public static class Orchestrations
{
    private static readonly OrchestrationRuntimeStatus[] Alive =
        [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended];

    /// <summary>
    /// Starts <paramref name="name"/> as <paramref name="instanceId"/> (its id its input) unless that instance is pending,
    /// running or suspended; a start racing another start of the same id is that start. An ended instance starts anew.
    /// </summary>
    public static async Task StartOnceAsync(DurableTaskClient workflow, string name, string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            await workflow.ScheduleNewOrchestrationInstanceAsync(name, instanceId,
                new StartOrchestrationOptions(instanceId).WithDedupeStatuses(Alive), cancellationToken);
        }
        catch (Exception)
        {
            // Started meanwhile by another start (the open and the reconciler racing): that one is the instance's.
            if (!await IsAliveAsync(workflow, instanceId, cancellationToken)) throw;
        }
    }

    /// <summary>Whether the instance is pending, running or suspended: whether an event raised to it is taken.</summary>
    public static async Task<bool> IsAliveAsync(DurableTaskClient workflow, string instanceId, CancellationToken cancellationToken) =>
        await workflow.GetInstanceAsync(instanceId, cancellationToken) is { } instance && Alive.Contains(instance.RuntimeStatus);
}
