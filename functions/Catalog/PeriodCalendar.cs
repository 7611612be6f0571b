using System.Xml;

namespace Baocao.Catalog;

/// <summary>
/// The reporting calendar's conventions: data is cut off on the 14th of the closing month (configurable per template)
/// and counted from the day after the cut-off in the month before the period, so H1 runs from 15 Dec to 14 Jun.
/// </summary>
public static class PeriodCalendar
{
    public const int DefaultCutoffDay = 14;

    private static readonly string[] Roman = ["I", "II", "III", "IV"];

    /// <summary>How many numbers a type has in a year (months 1–12, quarters 1–4, halves 1–2); null when it takes none.</summary>
    public static int? NumberCount(PeriodType type) => type switch
    {
        PeriodType.Month => 12,
        PeriodType.Quarter => 4,
        PeriodType.SixMonth => 2,
        _ => null,
    };

    /// <summary>The conventional data window, or null for thematic periods, which always name their own.</summary>
    public static (DateOnly From, DateOnly To)? Window(PeriodType type, int year, int? number, int cutoffDay)
    {
        var (months, closingMonth) = type switch
        {
            PeriodType.Month => (1, number ?? 1),
            PeriodType.Quarter => (3, 3 * (number ?? 1)),
            PeriodType.SixMonth => (6, 6 * (number ?? 1)),
            PeriodType.Year => (12, 12),
            _ => (0, 0),
        };
        if (months == 0) return null;
        var to = new DateOnly(year, closingMonth, cutoffDay);
        return (to.AddMonths(-months).AddDays(1), to);
    }

    public static string? DefaultId(PeriodType type, int year, int? number) => type switch
    {
        PeriodType.Month => $"{year}-M{number:00}",
        PeriodType.Quarter => $"{year}-Q{number}",
        PeriodType.SixMonth => $"{year}-H{number}",
        PeriodType.Year => $"{year}-Y",
        _ => null,
    };

    public static string? DefaultName(PeriodType type, int year, int? number) => type switch
    {
        PeriodType.Month => $"Báo cáo tháng {number}/{year}",
        PeriodType.Quarter => $"Báo cáo quý {Roman[(number ?? 1) - 1]}/{year}",
        PeriodType.SixMonth when number == 1 => $"Báo cáo sơ kết 6 tháng đầu năm {year}",
        PeriodType.SixMonth => $"Báo cáo 6 tháng cuối năm {year}",
        PeriodType.Year => $"Báo cáo tổng kết năm {year}",
        _ => null,
    };

    /// <summary>Reads an ISO-8601 duration such as <c>-P3D</c>, <c>PT0S</c> or <c>+P2D</c> (negative is before the deadline).</summary>
    public static bool TryParseOffset(string? text, out TimeSpan offset)
    {
        offset = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        try
        {
            offset = XmlConvert.ToTimeSpan(text.StartsWith('+') ? text[1..] : text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>
    /// Standard reminders when a period names none: a week, three days and a day before, at the deadline; then
    /// escalation up the tree, to the unit's head two days after and to the province reviewer five days after.
    /// </summary>
    public static IReadOnlyList<ReminderStep> DefaultReminders { get; } =
    [
        new("-P7D", ReminderAudience.UnitReportingOfficer, "reminder-before"),
        new("-P3D", ReminderAudience.UnitReportingOfficer, "reminder-before"),
        new("-P1D", ReminderAudience.UnitReportingOfficer, "reminder-before"),
        new("PT0S", ReminderAudience.UnitReportingOfficer, "reminder-due"),
        new("P2D", ReminderAudience.UnitHead, "escalation"),
        new("P5D", ReminderAudience.ProvinceReviewer, "escalation"),
    ];

    /// <summary>The mails a reminder step may name: before the deadline, at it, and escalation after it.</summary>
    public static IReadOnlySet<string> ReminderTemplates { get; } = new HashSet<string> { "reminder-before", "reminder-due", "escalation" };
}
