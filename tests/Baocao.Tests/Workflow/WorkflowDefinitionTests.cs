using Baocao.Workflow;

namespace Baocao.Tests.Workflow;

public sealed class WorkflowDefinitionTests
{
    [Theory]
    [InlineData(ReportState.NotStarted, ReportTrigger.Submit, ReportState.Submitted)]
    [InlineData(ReportState.NotStarted, ReportTrigger.Exempt, ReportState.Exempted)]
    [InlineData(ReportState.Submitted, ReportTrigger.Submit, ReportState.Submitted)]
    [InlineData(ReportState.Submitted, ReportTrigger.Claim, ReportState.InReview)]
    [InlineData(ReportState.Submitted, ReportTrigger.Return, ReportState.Returned)]
    [InlineData(ReportState.Submitted, ReportTrigger.Approve, ReportState.AwaitingApproval)]
    [InlineData(ReportState.InReview, ReportTrigger.Approve, ReportState.AwaitingApproval)]
    [InlineData(ReportState.InReview, ReportTrigger.Return, ReportState.Returned)]
    [InlineData(ReportState.AwaitingApproval, ReportTrigger.Approve, ReportState.Approved)]
    [InlineData(ReportState.AwaitingApproval, ReportTrigger.Return, ReportState.Returned)]
    [InlineData(ReportState.Returned, ReportTrigger.Submit, ReportState.Submitted)]
    [InlineData(ReportState.Returned, ReportTrigger.Exempt, ReportState.Exempted)]
    [InlineData(ReportState.Approved, ReportTrigger.Reopen, ReportState.Returned)]
    public void Each_drawn_transition_is_permitted(ReportState from, ReportTrigger trigger, ReportState to) =>
        Assert.Equal(new Verdict(to), WorkflowDefinition.Decide(from, new Proposal(trigger, WorkflowChannel.Admin, "Lý do.", null)));

    [Theory]
    [InlineData(ReportState.Approved, ReportTrigger.Submit)]
    [InlineData(ReportState.Exempted, ReportTrigger.Submit)]
    [InlineData(ReportState.InReview, ReportTrigger.Submit)]
    [InlineData(ReportState.NotStarted, ReportTrigger.Claim)]
    [InlineData(ReportState.NotStarted, ReportTrigger.Approve)]
    [InlineData(ReportState.Approved, ReportTrigger.Return)]
    [InlineData(ReportState.InReview, ReportTrigger.Exempt)]
    [InlineData(ReportState.Returned, ReportTrigger.Reopen)]
    public void A_trigger_not_drawn_from_a_state_is_refused(ReportState from, ReportTrigger trigger)
    {
        var verdict = WorkflowDefinition.Decide(from, new Proposal(trigger, WorkflowChannel.Admin, "Lý do.", null));
        Assert.Equal("not-permitted", verdict.RefusalCode);
        Assert.Equal(from, verdict.To);
    }

    [Theory]
    [InlineData(ReportTrigger.Reopen, WorkflowChannel.Link, "Lý do.", "admin-only")]
    [InlineData(ReportTrigger.Reopen, WorkflowChannel.Admin, null, "reason-required")]
    public void Reopening_needs_an_admin_and_a_reason(ReportTrigger trigger, WorkflowChannel channel, string? comment, string code) =>
        Assert.Equal(code, WorkflowDefinition.Decide(ReportState.Approved, new Proposal(trigger, channel, comment, null)).RefusalCode);

    [Theory]
    [InlineData(ReportState.NotStarted, SubmissionWindow.PeriodClosed, "period-closed")]
    [InlineData(ReportState.Returned, SubmissionWindow.PeriodClosed, "period-closed")]
    [InlineData(ReportState.Submitted, SubmissionWindow.PastHardDeadline, "deadline-passed")]
    [InlineData(ReportState.NotStarted, SubmissionWindow.PastHardDeadline, "deadline-passed")]
    public void A_submission_outside_the_period_window_is_refused(ReportState from, SubmissionWindow window, string code)
    {
        var verdict = WorkflowDefinition.Decide(from, new Proposal(ReportTrigger.Submit, WorkflowChannel.Api, null, null, window));
        Assert.Equal(code, verdict.RefusalCode);
        Assert.Equal(from, verdict.To);
    }
}
