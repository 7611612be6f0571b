using Baocao.Hosting;
using Microsoft.Extensions.Options;

namespace Baocao.Reminders;

/// <summary>
/// When people may be mailed: working days that are not holidays, between the workday's start and end, in people's
/// time zone. A reminder due at 02:00 goes at 07:30; one due on a Saturday or on Tết goes on the next working morning,
/// unless that would put a reminder meant for before the deadline after it: then it goes at the last working hour before.
/// </summary>
public sealed class WorkingHours(IOptions<ReminderOptions> options, PeopleTime time)
{
    /// <summary>The first instant at or after <paramref name="instant"/> inside working hours.</summary>
    public DateTimeOffset Next(DateTimeOffset instant)
    {
        var o = options.Value;
        var (days, holidays) = (o.WorkingDaySet(), o.HolidaySet());
        var local = time.ToLocal(instant).DateTime;
        var moved = false;
        // A year of days off in a row would be a misconfiguration; stop looking rather than loop.
        for (var tries = 0; tries < 366; tries++)
        {
            var day = DateOnly.FromDateTime(local);
            var clock = TimeOnly.FromDateTime(local);
            if (days.Contains(day.DayOfWeek) && !holidays.Contains(day) && clock <= o.WorkdayEnd)
            {
                if (clock < o.WorkdayStart) (local, moved) = (day.ToDateTime(o.WorkdayStart), true);
                return moved ? time.FromLocal(local) : instant;
            }
            (local, moved) = (day.AddDays(1).ToDateTime(o.WorkdayStart), true);
        }
        return time.FromLocal(local);
    }

    /// <summary>The last instant at or before <paramref name="instant"/> inside working hours: a reminder that must come before a deadline.</summary>
    public DateTimeOffset Previous(DateTimeOffset instant)
    {
        var o = options.Value;
        var (days, holidays) = (o.WorkingDaySet(), o.HolidaySet());
        var local = time.ToLocal(instant).DateTime;
        var moved = false;
        for (var tries = 0; tries < 366; tries++)
        {
            var day = DateOnly.FromDateTime(local);
            var clock = TimeOnly.FromDateTime(local);
            if (days.Contains(day.DayOfWeek) && !holidays.Contains(day) && clock >= o.WorkdayStart)
            {
                if (clock > o.WorkdayEnd) (local, moved) = (day.ToDateTime(o.WorkdayEnd), true);
                return moved ? time.FromLocal(local) : instant;
            }
            (local, moved) = (day.AddDays(-1).ToDateTime(o.WorkdayEnd), true);
        }
        return time.FromLocal(local);
    }
}
