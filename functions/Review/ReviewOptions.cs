namespace Baocao.Review;

/// <summary>
/// Settings of review by e-mail link, bound from <c>Review__*</c>. Signing keys are secrets: locally a sample key, in
/// Azure a Key Vault reference per key (<c>@Microsoft.KeyVault(SecretUri=…)</c>), so rotating is adding a key, making it
/// current, and removing the old one once its links have expired.
/// </summary>
public sealed class ReviewOptions
{
    public const string Section = "Review";

    /// <summary>The id of the key new links are signed with; it must be one of <see cref="SigningKeys"/>.</summary>
    public string CurrentKeyId { get; set; } = "";

    /// <summary>Every key a link may be signed with, by id (letters, digits, '-'); each at least 32 characters.</summary>
    public Dictionary<string, string> SigningKeys { get; set; } = [];

    /// <summary>How long a link in a mail can be used.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(14);

    public const int MinKeyLength = 32;

    /// <summary>Why the settings cannot sign links, or null when they can.</summary>
    public string? Problem() =>
        SigningKeys.Count == 0 ? "Review:SigningKeys has no key (Review__SigningKeys__{id})."
        : !SigningKeys.ContainsKey(CurrentKeyId) ? $"Review:CurrentKeyId '{CurrentKeyId}' is not one of Review:SigningKeys ({string.Join(", ", SigningKeys.Keys)})."
        : SigningKeys.FirstOrDefault(k => !IsKeyId(k.Key) || k.Value.Length < MinKeyLength) is { Key: { } weak }
            ? $"Review:SigningKeys:{weak} needs an id of letters, digits and '-' and a key of at least {MinKeyLength} characters."
        : LinkLifetime <= TimeSpan.Zero || LinkLifetime > TimeSpan.FromDays(90) ? "Review:LinkLifetime must be between 0 and 90 days."
        : null;

    private static bool IsKeyId(string id) => id.Length is > 0 and <= 32 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
