using Baocao.Catalog;
using Baocao.Workflow;

namespace Baocao.Submissions;

/// <summary>
/// A submission about to commit: its period and template, the unit, what its version says, the version it brings to
/// store, and the instance as the submission read it (null before it exists).
/// </summary>
public sealed record NewSubmission(Period Period, ReportTemplate Template, string UnitCode, VersionContent Content, NewVersion Version, WorkflowInstance? Current);

/// <summary>
/// The mail a submission commits with its version, for its first review stage's people. The review feature makes it;
/// a submission only carries it, so submissions need not know who reviews or how.
/// </summary>
public interface ISubmissionMail
{
    /// <summary>The mail, made for the version number the Submit turns out to create.</summary>
    Task<Func<int, IReadOnlyList<WorkItem>>> ForAsync(NewSubmission submission, CancellationToken cancellationToken);
}
