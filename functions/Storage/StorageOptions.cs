using System.ComponentModel.DataAnnotations;

namespace Baocao.Storage;

/// <summary>How long the app waits for storage, bound from <c>Storage__*</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Every storage request is tried this many times (a connection reset or a 5xx is often gone at once).</summary>
    public const int Tries = 3;

    /// <summary>
    /// How long one try of a storage request waits for an answer (and, reading a body, for each piece of it). Storage
    /// that takes connections but never answers thus costs a request about <see cref="Tries"/> times this, 12 s with
    /// the default, before it is answered 503 with Retry-After.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(4);
}
