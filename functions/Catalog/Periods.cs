namespace Baocao.Catalog;

public enum PeriodType
{
    Month,
    Quarter,
    SixMonth,
    Year,
    Thematic,
}

public enum PeriodStatus
{
    Planned,
    Open,
    Closed,
}

public enum StageMode
{
    /// <summary>Any one of the assignees decides for the stage.</summary>
    AnyOf,

    /// <summary>Every assignee must approve before the report moves on.</summary>
    AllOf,
}

public enum ReminderAudience
{
    UnitReportingOfficer,
    UnitHead,
    ProvinceReviewer,
}

/// <summary>Which units must report: a subtree below a unit, or a list of units.</summary>
public sealed record PeriodScope(string? Root = null, IReadOnlyList<string>? Units = null);

/// <summary>
/// A review stage (chuyên viên thẩm định, lãnh đạo Ban duyệt) and who decides in it: people named here, and the holders
/// of the posts named here that cover the unit most closely: a post on the unit or whose block lists it, else one on
/// the nearest unit above it.
/// </summary>
public sealed record ReviewStage(
    string Code, string Name, IReadOnlyList<Contact>? Assignees = null, StageMode Mode = StageMode.AnyOf, IReadOnlyList<string>? Posts = null)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<Contact> NamedPeople => Assignees ?? [];

    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> PostCodes => Posts ?? [];
}

/// <summary>A reminder or escalation step: an ISO-8601 offset from the deadline (negative before it), who gets it, which mail.</summary>
public sealed record ReminderStep(string Offset, ReminderAudience Audience, string Template);

/// <summary>
/// What an admin sends to plan a period. The id, name and data window follow the convention for the type unless given.
/// The deadline is read in Asia/Ho_Chi_Minh unless it carries an offset.
/// </summary>
public sealed record PeriodDraft(
    PeriodType Type,
    int Year,
    string TemplateCode,
    string Deadline,
    PeriodScope Scope,
    IReadOnlyList<ReviewStage> Stages,
    int? Number = null,
    string? Id = null,
    string? Name = null,
    int? TemplateVersion = null,
    DateOnly? DataFrom = null,
    DateOnly? DataTo = null,
    IReadOnlyList<ReminderStep>? Reminders = null,
    bool HardClose = false);

/// <summary>
/// A reporting period: one template version, a data window (local dates, inclusive), a deadline (stored in UTC),
/// the units in scope, review stages and the reminder policy. With <see cref="HardClose"/>, nothing is accepted after
/// the deadline; otherwise late submissions are taken and marked late.
/// </summary>
public sealed record Period(
    string Id,
    string Name,
    PeriodType Type,
    int Year,
    int? Number,
    string TemplateCode,
    int TemplateVersion,
    DateOnly DataFrom,
    DateOnly DataTo,
    DateTimeOffset Deadline,
    PeriodScope Scope,
    IReadOnlyList<ReviewStage> Stages,
    IReadOnlyList<ReminderStep> Reminders,
    PeriodStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? OpenedAt = null,
    DateTimeOffset? ClosedAt = null,
    bool HardClose = false)
{
    /// <summary>
    /// The stage at a review position: stages decide in turn, and a one-stage period's people take both positions of
    /// the classic review (review, then approval).
    /// </summary>
    public ReviewStage StageAt(int position) => Stages[Math.Min(position, Stages.Count - 1)];
}
