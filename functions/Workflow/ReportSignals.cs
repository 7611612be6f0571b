using System.Text.Json;
using Microsoft.DurableTask.Client;

namespace Baocao.Workflow;

/// <summary>The payload of a transition's work item telling its report's orchestration to look at the timers again.</summary>
public sealed record ReportChange(string InstanceId);

/// <summary>
/// How the rest of the app reaches report orchestrations: started with the report, and told to look again when a
/// decision changed the report's timers. The signal is a work item committed with the decision, so a process that dies
/// before raising it leaves it to the outbox's queue. An orchestration that has ended (its report finished) is started
/// again rather than signalled, since the task hub drops events to an ended instance: a reopened report gets its clock back.
/// </summary>
public sealed class ReportSignals : IWorkReceiver
{
    public const string Kind = "report-changed";

    string IWorkReceiver.Kind => Kind;

    /// <summary>The work item a transition that changed its report's timers carries.</summary>
    public static WorkItem Changed(string instanceId) =>
        new(Kind, JsonSerializer.SerializeToElement(new ReportChange(instanceId), JsonSerializerOptions.Web));

    public async Task DeliverAsync(WorkDelivery delivery, CancellationToken cancellationToken)
    {
        var workflow = delivery.Workflow
            ?? throw new InvalidOperationException($"Outbox item {delivery.Item.Id} of {delivery.Partition} signals an orchestration; only a dispatcher with the workflow client delivers it.");
        var instance = delivery.Item.Payload.Deserialize<ReportChange>(JsonSerializerOptions.Web)!.InstanceId;
        await LookAgainAsync(workflow, instance, "timers-changed", cancellationToken);
    }

    /// <summary>Starts the report's orchestration unless it runs already.</summary>
    public static Task StartAsync(DurableTaskClient workflow, string instanceId, CancellationToken cancellationToken) =>
        Orchestrations.StartOnceAsync(workflow, nameof(ReportOrchestration), instanceId, cancellationToken);

    /// <summary>Tells the report's orchestration to look again, starting it if it has ended; <paramref name="what"/> is only for its history.</summary>
    public static async Task LookAgainAsync(DurableTaskClient workflow, string instanceId, string what, CancellationToken cancellationToken)
    {
        if (await Orchestrations.IsAliveAsync(workflow, instanceId, cancellationToken)) await workflow.RaiseEventAsync(instanceId, ReportOrchestration.Changed, what, cancellationToken);
        else await StartAsync(workflow, instanceId, cancellationToken);
    }
}
