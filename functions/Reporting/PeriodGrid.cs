using Baocao.Catalog;
using Baocao.Workflow;

namespace Baocao.Reporting;

/// <summary>
/// One unit's line on the province grid: where its report stands, when it first and last arrived (Hà Nội time), how
/// many days late (or, not yet in, overdue), how many versions, and which stage holds it with whom.
/// </summary>
public sealed record GridRow(
    string UnitCode,
    string UnitName,
    string LevelCode,
    ReportState State,
    DateTimeOffset? FirstSubmittedAt,
    DateTimeOffset? LatestSubmittedAt,
    int DaysLate,
    int Versions,
    string? Stage,
    IReadOnlyList<string> Holders)
{
    public bool Submitted => State is not (ReportState.NotStarted or ReportState.Exempted);

    public bool OnTime => Submitted && DaysLate == 0;
}

public sealed record GridLevel(string Code, string Name, IReadOnlyList<GridRow> Rows, int Expected, int Submitted);

/// <summary>What the grid shows: one level and one state, or everything.</summary>
public sealed record GridFilter(string? Level, ReportState? State);

/// <summary>
/// The province grid of one period: units in scope grouped by level, and completeness and timeliness as DHIS2 defines
/// them: expected = units in scope minus exempted; actual = reports submitted (any state beyond not started);
/// on time = reports first submitted by the deadline. Rates are over the whole period, whatever the filter shows.
/// </summary>
public sealed record PeriodGrid(
    Period Period,
    IReadOnlyList<GridLevel> Levels,
    IReadOnlyList<OrgLevel> AllLevels,
    IReadOnlyDictionary<ReportState, int> StateCounts,
    GridFilter Filter,
    int Expected,
    int Submitted,
    int OnTime,
    string DeadlineText)
{
    public int CompletenessPercent => Percent(Submitted);
    public int TimelinessPercent => Percent(OnTime);

    private int Percent(int count) => Expected == 0 ? 0 : (int)Math.Round(100.0 * count / Expected);

    public static PeriodGrid Build(PeriodReports reports, GridFilter filter, DateTimeOffset now, Func<DateTimeOffset, DateTimeOffset> toLocal)
    {
        var period = reports.Period;
        var rows = reports.Units.Select(u => Row(u, period, now, toLocal)).ToList();
        var levels = reports.Levels
            .Where(l => filter.Level is null || l.Code == filter.Level)
            .Select(l =>
            {
                var ofLevel = rows.Where(r => r.LevelCode == l.Code).ToList();
                return new GridLevel(l.Code, l.Name, ofLevel.Where(r => filter.State is null || r.State == filter.State).ToList(),
                    ofLevel.Count(r => r.State != ReportState.Exempted), ofLevel.Count(r => r.Submitted));
            })
            .Where(l => l.Rows.Count > 0)
            .ToList();
        var counts = Enum.GetValues<ReportState>().ToDictionary(s => s, s => rows.Count(r => r.State == s));
        return new PeriodGrid(period, levels, reports.Levels, counts, filter,
            Expected: rows.Count(r => r.State != ReportState.Exempted),
            Submitted: rows.Count(r => r.Submitted),
            OnTime: rows.Count(r => r.OnTime),
            Describe(period.Deadline, now));
    }

    private static GridRow Row(UnitReport report, Period period, DateTimeOffset now, Func<DateTimeOffset, DateTimeOffset> toLocal)
    {
        var first = report.Versions.FirstOrDefault()?.ReceivedAt;
        var latest = report.Versions.LastOrDefault()?.ReceivedAt;
        // Late is judged on the first arrival, as DHIS2 does; a report still missing counts its days overdue.
        var measuredAt = report.Submitted ? first : report.State == ReportState.NotStarted ? now : null;
        var daysLate = measuredAt is { } at && at > period.Deadline ? (int)Math.Ceiling((at - period.Deadline).TotalDays) : 0;
        var (stage, holders) = Holder(report, period);
        return new GridRow(report.Unit.Code, report.Unit.Name, report.Level.Code, report.State,
            first is { } f ? toLocal(f) : null, latest is { } l ? toLocal(l) : null, daysLate, report.Versions.Count, stage, holders);
    }

    /// <summary>
    /// Who must act next: the unit until it submits (and again when returned), then each stage's people in turn, the
    /// last stage's while it awaits approval; nobody once approved or exempted.
    /// </summary>
    private static (string? Stage, IReadOnlyList<string> Holders) Holder(UnitReport report, Period period)
    {
        IReadOnlyList<string> Unit() => report.Unit.ReportingOfficer is { } officer ? [officer.Name] : [];
        IReadOnlyList<string> People(ReviewStage stage) => stage.NamedPeople.Select(a => a.Name).ToList();
        return report.State switch
        {
            ReportState.NotStarted => ("Đơn vị lập báo cáo", Unit()),
            ReportState.Returned => ("Đơn vị sửa và nộp lại", Unit()),
            ReportState.Submitted or ReportState.InReview or ReportState.AwaitingApproval when period.Stages.Count > 0 =>
                (period.StageAt(report.Stage).Name, People(period.StageAt(report.Stage))),
            _ => (null, []),
        };
    }

    private static string Describe(DateTimeOffset deadline, DateTimeOffset now)
    {
        var left = deadline - now;
        return left > TimeSpan.Zero
            ? left.TotalDays >= 1 ? $"còn {(int)left.TotalDays} ngày" : $"còn {(int)Math.Ceiling(left.TotalHours)} giờ"
            : $"đã quá hạn {(int)Math.Ceiling(-left.TotalDays)} ngày";
    }
}
