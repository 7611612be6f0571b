using Baocao.Catalog;

namespace Baocao.Reporting;

/// <summary>One unit's line on the province grid.</summary>
public sealed record GridRow(string UnitCode, string UnitName, string Status);

public sealed record GridLevel(string Name, IReadOnlyList<GridRow> Rows);

/// <summary>
/// The province grid of one period: units in scope grouped by level, and completeness and timeliness as DHIS2
/// defines them (actual over expected; on time over expected). Until submissions exist every unit owes its report.
/// </summary>
public sealed record PeriodGrid(Period Period, IReadOnlyList<GridLevel> Levels, int Expected, int Submitted, int OnTime, string DeadlineText)
{
    public const string NotStarted = "Chưa nộp";

    public int CompletenessPercent => Percent(Submitted);
    public int TimelinessPercent => Percent(OnTime);

    private int Percent(int count) => Expected == 0 ? 0 : (int)Math.Round(100.0 * count / Expected);

    public static PeriodGrid Build(Period period, IReadOnlyList<OrgUnit> inScope, IReadOnlyList<OrgLevel> levels, DateTimeOffset now)
    {
        var grouped = levels
            .Select(level => new GridLevel(level.Name, inScope.Where(u => u.Level == level.Code)
                .OrderBy(u => u.Name, StringComparer.Create(new System.Globalization.CultureInfo("vi-VN"), false))
                .Select(u => new GridRow(u.Code, u.Name, NotStarted)).ToList()))
            .Where(g => g.Rows.Count > 0)
            .ToList();
        return new PeriodGrid(period, grouped, inScope.Count, 0, 0, Describe(period.Deadline, now));
    }

    private static string Describe(DateTimeOffset deadline, DateTimeOffset now)
    {
        var left = deadline - now;
        return left > TimeSpan.Zero
            ? left.TotalDays >= 1 ? $"còn {(int)left.TotalDays} ngày" : $"còn {(int)Math.Ceiling(left.TotalHours)} giờ"
            : $"đã quá hạn {(int)Math.Ceiling(-left.TotalDays)} ngày";
    }
}
