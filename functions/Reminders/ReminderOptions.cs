using System.Globalization;

namespace Baocao.Reminders;

/// <summary>
/// Settings of reminders, bound from <c>Reminders__*</c>: the working hours and days in people's time zone inside
/// which reminders go out, the holidays they skip, and how long a report may wait in a review stage.
/// </summary>
public sealed class ReminderOptions
{
    public const string Section = "Reminders";

    /// <summary>A reminder due before this local time waits for it (07:30 by default).</summary>
    public TimeOnly WorkdayStart { get; set; } = new(7, 30);

    /// <summary>A reminder due after this local time waits for the next working day's start.</summary>
    public TimeOnly WorkdayEnd { get; set; } = new(17, 0);

    /// <summary>Working days, comma-separated English day names.</summary>
    public string WorkingDays { get; set; } = "Monday,Tuesday,Wednesday,Thursday,Friday";

    /// <summary>Days off besides the weekly ones (Tết, 30/4, 1/5, 2/9…), comma-separated yyyy-MM-dd.</summary>
    public string Holidays { get; set; } = "";

    /// <summary>
    /// How long a report may wait in a review stage before its people are reminded; twice as long escalates to the
    /// approver. Whole days count as working days, the rest as working hours: weekends and holidays do not count.
    /// </summary>
    public TimeSpan ReviewLimit { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Limits of particular stages by stage code (<c>Reminders__StageLimits__THAM-DINH</c>), overriding <see cref="ReviewLimit"/>.</summary>
    public Dictionary<string, TimeSpan> StageLimits { get; set; } = [];

    public IReadOnlySet<DayOfWeek> WorkingDaySet() => WorkingDays.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(d => Enum.Parse<DayOfWeek>(d, ignoreCase: true)).ToHashSet();

    public IReadOnlySet<DateOnly> HolidaySet() => Holidays.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(d => DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToHashSet();

    public TimeSpan LimitOf(string stageCode) => StageLimits.TryGetValue(stageCode, out var limit) ? limit : ReviewLimit;

    /// <summary>Why the settings cannot schedule reminders, or null when they can.</summary>
    public string? Problem()
    {
        if (WorkdayEnd <= WorkdayStart) return "Reminders:WorkdayEnd must come after Reminders:WorkdayStart.";
        var days = WorkingDays.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (days.Length == 0 || days.Any(d => !Enum.TryParse<DayOfWeek>(d, ignoreCase: true, out _) || int.TryParse(d, out _)))
            return "Reminders:WorkingDays must list day names (Monday,Tuesday,…).";
        if (Holidays.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(d => !DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)))
            return "Reminders:Holidays must list dates as yyyy-MM-dd, comma-separated.";
        if (ReviewLimit <= TimeSpan.Zero || StageLimits.Values.Any(l => l <= TimeSpan.Zero)) return "Reminders:ReviewLimit and Reminders:StageLimits must be positive.";
        return null;
    }
}
