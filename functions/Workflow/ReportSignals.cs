using Microsoft.DurableTask.Client;

namespace Baocao.Workflow;

/// <summary>
/// What a decision tells its report's orchestration: look again once the report has reached event
/// <paramref name="Sequence"/> (0: look now); <paramref name="What"/> is only for the orchestration's history.
/// </summary>
public sealed record ReportChange(string What, int Sequence = 0);

/// <summary>
/// How the rest of the app reaches report orchestrations: started with the report, and told when a decision is about
/// to change what the report's orchestration waits for or has to do. The decision tells it before it commits, naming
/// the event it will commit, so no process can die between a commit and the signal: the orchestration looks until the
/// report has that event, and gives the signal up after a while if the commit never came (it lost a race or failed).
/// An orchestration that has ended (its report finished) is started again first, since the task hub drops events to an
/// ended instance: a reopened report gets its clock back.
/// </summary>
public static class ReportSignals
{
    /// <summary>Starts the report's orchestration unless it runs already.</summary>
    public static Task StartAsync(DurableTaskClient workflow, string instanceId, CancellationToken cancellationToken) =>
        Orchestrations.StartOnceAsync(workflow, nameof(ReportOrchestration), instanceId, cancellationToken);

    /// <summary>Tells the report's orchestration to look again, starting it if it has ended.</summary>
    public static async Task LookAgainAsync(DurableTaskClient workflow, string instanceId, ReportChange change, CancellationToken cancellationToken)
    {
        if (!await Orchestrations.IsAliveAsync(workflow, instanceId, cancellationToken)) await StartAsync(workflow, instanceId, cancellationToken);
        await workflow.RaiseEventAsync(instanceId, ReportOrchestration.Changed, change, cancellationToken);
    }
}
