namespace Baocao.Submissions;

/// <summary>Settings of submissions beyond the attachment limits, bound from <c>Submissions__*</c>.</summary>
public sealed class IdempotencyOptions
{
    /// <summary>How long an <c>Idempotency-Key</c> is remembered.</summary>
    public TimeSpan IdempotencyKeyLifetime { get; set; } = TimeSpan.FromHours(24);
}
