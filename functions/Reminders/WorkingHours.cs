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
    /// <summary>A year of days off in a row would be a misconfiguration; stop looking rather than loop.</summary>
    private const int MaxDaysOff = 366;

    public bool IsWorkingDay(DateOnly day) => options.Value.WorkingDaySet().Contains(day.DayOfWeek) && !options.Value.HolidaySet().Contains(day);

    /// <summary>Whether <paramref name="instant"/> falls inside working hours: people may be mailed now.</summary>
    public bool IsOpen(DateTimeOffset instant) => Next(instant) == instant;

    /// <summary>The first instant at or after <paramref name="instant"/> inside working hours.</summary>
    public DateTimeOffset Next(DateTimeOffset instant) => Move(instant, forward: true);

    /// <summary>The last instant at or before <paramref name="instant"/> inside working hours: a reminder that must come before a deadline.</summary>
    public DateTimeOffset Previous(DateTimeOffset instant) => Move(instant, forward: false);

    /// <summary>
    /// <paramref name="instant"/> itself when it falls inside working hours; otherwise the nearest working hour in the
    /// direction asked: the start of the workday ahead, or the end of the one behind.
    /// </summary>
    private DateTimeOffset Move(DateTimeOffset instant, bool forward)
    {
        var o = options.Value;
        var local = time.ToLocal(instant).DateTime;
        var moved = false;
        for (var tries = 0; tries < MaxDaysOff; tries++)
        {
            var day = DateOnly.FromDateTime(local);
            var clock = TimeOnly.FromDateTime(local);
            var pastToday = forward ? clock > o.WorkdayEnd : clock < o.WorkdayStart;
            if (IsWorkingDay(day) && !pastToday)
            {
                // Before the workday (going forward) or after it (going back): its nearer edge.
                if (clock < o.WorkdayStart || clock > o.WorkdayEnd) (local, moved) = (day.ToDateTime(forward ? o.WorkdayStart : o.WorkdayEnd), true);
                return moved ? time.FromLocal(local) : instant;
            }
            (local, moved) = (day.AddDays(forward ? 1 : -1).ToDateTime(forward ? o.WorkdayStart : o.WorkdayEnd), true);
        }
        return time.FromLocal(local);
    }

    /// <summary>
    /// When a limit counted in working time runs out, starting at <paramref name="since"/>: whole days of the limit are
    /// working days (a report in since Friday 16:00 with three days waits until Wednesday 16:00, past the weekend and
    /// any holiday), and the rest is working hours (two hours from 16:00 end at 08:30 the next working morning).
    /// </summary>
    public DateTimeOffset After(DateTimeOffset since, TimeSpan limit)
    {
        var o = options.Value;
        var local = time.ToLocal(Next(since)).DateTime;
        for (var day = 0; day < (int)limit.TotalDays; day++)
        {
            var next = DateOnly.FromDateTime(local).AddDays(1);
            for (var tries = 0; tries < MaxDaysOff && !IsWorkingDay(next); tries++) next = next.AddDays(1);
            local = next.ToDateTime(TimeOnly.FromDateTime(local));
        }
        var rest = limit - TimeSpan.FromDays((int)limit.TotalDays);
        for (var tries = 0; tries < MaxDaysOff; tries++)
        {
            var left = DateOnly.FromDateTime(local).ToDateTime(o.WorkdayEnd) - local;
            if (rest <= left) return time.FromLocal(local + rest);
            rest -= left;
            local = time.ToLocal(Next(time.FromLocal(DateOnly.FromDateTime(local).AddDays(1).ToDateTime(TimeOnly.MinValue)))).DateTime;
        }
        return time.FromLocal(local);
    }
}
