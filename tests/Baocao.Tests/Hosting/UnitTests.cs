using Baocao.Catalog;
using Baocao.Hosting;

namespace Baocao.Tests.Hosting;

public sealed class ConventionTests
{
    [Theory]
    [InlineData("$", "")]
    [InlineData("$.sections[0].indicators[12].type", "/sections/0/indicators/12/type")]
    [InlineData("$[3].head.email", "/3/head/email")]
    [InlineData("$['a/b']", "/a~1b")]
    public void Json_paths_become_json_pointers(string path, string pointer) => Assert.Equal(pointer, JsonBody.ToPointer(path));

    [Theory]
    [InlineData("-P7D", -7 * 24 * 60)]
    [InlineData("PT0S", 0)]
    [InlineData("+P2D", 2 * 24 * 60)]
    [InlineData("-PT30M", -30)]
    public void Reminder_offsets_are_iso_8601_durations(string text, int minutes)
    {
        Assert.True(PeriodCalendar.TryParseOffset(text, out var offset));
        Assert.Equal(TimeSpan.FromMinutes(minutes), offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("3 ngày")]
    [InlineData("P")]
    public void Other_offsets_are_refused(string text) => Assert.False(PeriodCalendar.TryParseOffset(text, out _));

    [Fact]
    public void Second_half_runs_from_mid_june_to_mid_december()
    {
        Assert.Equal((new DateOnly(2026, 6, 15), new DateOnly(2026, 12, 14)), PeriodCalendar.Window(PeriodType.SixMonth, 2026, 2, 14));
    }

    [Fact]
    public void A_template_cut_off_day_moves_the_window()
    {
        Assert.Equal((new DateOnly(2026, 2, 21), new DateOnly(2026, 3, 20)), PeriodCalendar.Window(PeriodType.Month, 2026, 3, 20));
    }

    [Fact]
    public void Admin_key_comparison_is_exact()
    {
        Assert.True(AdminKey.Matches("khoa-quan-tri-123", "khoa-quan-tri-123"));
        Assert.False(AdminKey.Matches("khoa-quan-tri-12", "khoa-quan-tri-123"));
    }
}
