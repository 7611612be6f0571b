namespace Baocao.Workflow;

/// <summary>The report workflow at one definition version: where a proposal takes a report in a given state.</summary>
public interface IWorkflowDefinition
{
    int DefinitionVersion { get; }

    Verdict Decide(ReportState from, Proposal proposal);
}

/// <summary>The workflow declared in <see cref="WorkflowDefinition"/>, at its <see cref="WorkflowDefinition.DefinitionVersion"/>.</summary>
public sealed class DeclaredWorkflowDefinition : IWorkflowDefinition
{
    public int DefinitionVersion => WorkflowDefinition.DefinitionVersion;

    public Verdict Decide(ReportState from, Proposal proposal) => WorkflowDefinition.Decide(from, proposal);
}

/// <summary>
/// Every definition version of the workflow this deployment knows. A new instance starts on the newest and records it;
/// each decision on an instance is made by the definition version it recorded, so reports in flight finish under the
/// rules they started with when a later definition gains a state or a stage. To change the workflow in a way running
/// reports must not see, register the new definition beside the old one (an <see cref="IWorkflowDefinition"/> each)
/// rather than editing the old.
/// </summary>
public sealed class WorkflowDefinitions(IEnumerable<IWorkflowDefinition> definitions)
{
    private readonly Dictionary<int, IWorkflowDefinition> _byDefinitionVersion = definitions.ToDictionary(d => d.DefinitionVersion);

    public IWorkflowDefinition Current => _byDefinitionVersion[_byDefinitionVersion.Keys.Max()];

    /// <summary>
    /// The decision of the definition version <paramref name="instance"/> started on. An instance started by a newer deployment
    /// (before a rollback) is refused rather than decided by rules it never ran under. A report the period's close
    /// marked missed takes no submission, whatever a caller's (possibly seconds-old) copy of the period says. An approval
    /// is judged knowing how many stages the report still has ahead of it.
    /// </summary>
    public Verdict Decide(WorkflowInstance instance, Proposal proposal) =>
        _byDefinitionVersion.TryGetValue(instance.DefinitionVersion, out var definition)
            ? definition.Decide(instance.State, proposal with
            {
                Window = instance.Missed ? SubmissionWindow.PeriodClosed : proposal.Window,
                LaterStages = instance.LaterStages(),
            })
            : new Verdict(instance.State, RefusalCodes.DefinitionUnknown,
                $"Báo cáo này chạy theo quy trình phiên bản {instance.DefinitionVersion}, phiên bản ứng dụng hiện tại không có; hãy thử lại sau khi cập nhật.");
}
