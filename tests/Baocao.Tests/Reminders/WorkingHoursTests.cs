using System.Globalization;
using Baocao.Hosting;
using Baocao.Reminders;
using Microsoft.Extensions.Options;

namespace Baocao.Tests.Reminders;

/// <summary>Working time as reminders count it: 07:30–17:00 on weekdays, 10 December 2026 a holiday, in Asia/Ho_Chi_Minh.</summary>
public sealed class WorkingHoursTests
{
    private static readonly PeopleTime Time = new(Options.Create(new BaocaoOptions()), TimeProvider.System);
    private static readonly WorkingHours Hours = new(Options.Create(new ReminderOptions { Holidays = ReminderApp.Holiday }), Time);

    private static DateTimeOffset Local(string text) => Time.FromLocal(DateTime.ParseExact(text, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));

    [Theory]
    // Whole days are working days at the same hour: Wednesday + 1 skips the holiday, + 2 skips the weekend too.
    [InlineData("2026-12-09 15:00", "1.00:00", "2026-12-11 15:00")]
    [InlineData("2026-12-09 15:00", "2.00:00", "2026-12-14 15:00")]
    [InlineData("2026-12-11 16:00", "3.00:00", "2026-12-16 16:00")]
    // The rest is working hours: two hours from Friday 16:00 end at 08:30 on Monday.
    [InlineData("2026-12-11 16:00", "02:00", "2026-12-14 08:30")]
    [InlineData("2026-12-11 16:00", "01:00", "2026-12-11 17:00")]
    [InlineData("2026-12-08 09:00", "1.04:00", "2026-12-09 13:00")]
    // Counting starts at the next working hour: a report in on Saturday night counts from Monday 07:30.
    [InlineData("2026-12-12 22:00", "1.00:00", "2026-12-15 07:30")]
    [InlineData("2026-12-12 22:00", "00:30", "2026-12-14 08:00")]
    public void A_limit_runs_in_working_days_and_hours(string since, string limit, string expected) =>
        Assert.Equal(Local(expected), Hours.After(Local(since), TimeSpan.Parse(limit, CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2026-12-09 07:30", true)]
    [InlineData("2026-12-09 17:00", true)]
    [InlineData("2026-12-09 17:01", false)]
    [InlineData("2026-12-09 02:00", false)]
    [InlineData("2026-12-10 09:00", false)]
    [InlineData("2026-12-12 09:00", false)]
    public void Mail_may_go_only_inside_working_hours(string at, bool open) => Assert.Equal(open, Hours.IsOpen(Local(at)));
}
