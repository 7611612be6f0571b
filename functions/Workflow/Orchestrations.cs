using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Baocao.Workflow;

/// <summary>What period and report orchestrations share: how their activities are retried, and starting one once under its own id.</summary>
public static class Orchestrations
{
    /// <summary>
    /// An activity that failed (storage away, a dependency refusing) is tried again, 5 s, 10 s, 20 s and 40 s later,
    /// before the orchestration hears of the failure: every activity here is safe to repeat.
    /// </summary>
    public static readonly TaskOptions Retried = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(5), backoffCoefficient: 2));

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
