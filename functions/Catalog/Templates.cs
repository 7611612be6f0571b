namespace Baocao.Catalog;

public enum IndicatorType
{
    Integer,
    Decimal,
    Percentage,
    Text,
    YesNo,
}

/// <summary>
/// One figure a report carries. <see cref="PartOf"/> makes it an "of which" sub-count that may not exceed its parent;
/// <see cref="SumOf"/> makes it a derived total computed from other indicators rather than entered.
/// </summary>
public sealed record Indicator(
    string Code,
    string Name,
    IndicatorType Type,
    string? Unit = null,
    bool Required = false,
    decimal? Min = null,
    decimal? Max = null,
    string? PartOf = null,
    IReadOnlyList<string>? SumOf = null)
{
    public bool IsNumeric => Type is IndicatorType.Integer or IndicatorType.Decimal or IndicatorType.Percentage;

    public bool IsDerived => SumOf is { Count: > 0 };
}

/// <summary>A section of the report: a narrative with guidance for the writer, and the indicators reported under it.</summary>
public sealed record TemplateSection(
    string Code,
    string Title,
    string? Guidance = null,
    bool Narrative = true,
    bool NarrativeRequired = false,
    IReadOnlyList<Indicator>? Indicators = null)
{
    public IReadOnlyList<Indicator> IndicatorList => Indicators ?? [];
}

/// <summary>
/// What an admin sends to create a template, or a new version of one. <see cref="Reminders"/> is the reminder policy
/// periods of this template get when they name none (a thematic report may want fewer steps than a monthly one);
/// without it they get <see cref="PeriodCalendar.DefaultReminders"/>.
/// </summary>
public sealed record TemplateDraft(
    string Code,
    string Name,
    IReadOnlyList<TemplateSection> Sections,
    int CutoffDay = PeriodCalendar.DefaultCutoffDay,
    string? Description = null,
    IReadOnlyList<ReminderStep>? Reminders = null);

/// <summary>
/// One immutable version of a report template. Editing makes a new version; a period pins the version it was opened with.
/// </summary>
public sealed record ReportTemplate(
    string Code,
    int Version,
    string Name,
    string? Description,
    int CutoffDay,
    IReadOnlyList<TemplateSection> Sections,
    DateTimeOffset CreatedAt,
    IReadOnlyList<ReminderStep>? Reminders = null)
{
    public IEnumerable<Indicator> Indicators => Sections.SelectMany(s => s.IndicatorList);

    /// <summary>The reminder policy of this template's periods when a period names none.</summary>
    public IReadOnlyList<ReminderStep> DefaultReminders => Reminders ?? PeriodCalendar.DefaultReminders;

    public static ReportTemplate From(TemplateDraft draft, int version, DateTimeOffset createdAt) =>
        new(draft.Code, version, draft.Name, draft.Description, draft.CutoffDay, draft.Sections, createdAt, draft.Reminders);
}
