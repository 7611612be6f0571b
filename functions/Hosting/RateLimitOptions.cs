namespace Baocao.Hosting;

/// <summary>How many requests a key, and an address, may send per minute; bound from <c>RateLimits__*</c>.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Requests per minute for one key (unit or admin): far above what a unit's system needs, far below a flood.</summary>
    public int PerKeyPerMinute { get; set; } = 600;

    /// <summary>Requests per minute from one address, keyed or not (a district behind one gateway shares it).</summary>
    public int PerAddressPerMinute { get; set; } = 3000;
}
