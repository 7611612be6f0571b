using Microsoft.Extensions.Options;

namespace Baocao.Hosting;

/// <summary>
/// Converts between the instants kept in storage (UTC) and the wall-clock time people read (Asia/Ho_Chi_Minh by default).
/// </summary>
public sealed class PeopleTime(IOptions<BaocaoOptions> options, TimeProvider clock)
{
    public TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public DateTimeOffset UtcNow => clock.GetUtcNow();

    public DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    /// <summary>An instant as people read it in a sentence: «17:00 ngày 30/11/2026».</summary>
    public string Describe(DateTimeOffset instant) =>
        ToLocal(instant).ToString("HH:mm 'ngày' dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The instant a local wall-clock time names.</summary>
    public DateTimeOffset FromLocal(DateTime local)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return new DateTimeOffset(unspecified, Zone.GetUtcOffset(unspecified)).ToUniversalTime();
    }

    /// <summary>The instant a local day begins.</summary>
    public DateTimeOffset StartOfDay(DateOnly day) => FromLocal(day.ToDateTime(TimeOnly.MinValue));

    public DateOnly Today => DateOnly.FromDateTime(ToLocal(UtcNow).DateTime);
}
