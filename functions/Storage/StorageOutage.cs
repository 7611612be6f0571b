using Azure;

namespace Baocao.Storage;

/// <summary>
/// Storage that cannot be reached, fails on its side, or does not answer in time is an outage the caller should wait
/// out, not an error in the app: such requests end in 503 Problem Details with Retry-After, within a few seconds (see
/// <see cref="StorageOptions.NetworkTimeout"/>), and nothing the client sent is half kept. Every write is one
/// transaction, so trying again is safe; one that storage took but never answered is whole, and an Idempotency-Key
/// makes it count once.
/// </summary>
public static class StorageOutage
{
    /// <summary>What clients are told to wait before trying again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The failure is storage (or the network to it) being away: no answer at all (status 0), a 5xx from the service,
    /// a refused or broken connection, or a request the SDK gave up on at its network timeout (not a caller's cancel).
    /// </summary>
    public static bool Is(Exception error, CancellationToken callerCancellation) => error switch
    {
        RequestFailedException { Status: 0 or >= 500 } => true,
        RequestFailedException => false,
        HttpRequestException or TimeoutException or IOException => true,
        OperationCanceledException => !callerCancellation.IsCancellationRequested,
        AggregateException all => all.InnerExceptions.All(e => Is(e, callerCancellation)),
        _ => false,
    };

    /// <summary>The 503 answer: Problem Details in Vietnamese and a Retry-After header.</summary>
    public static async Task AnswerAsync(HttpContext context, string detail)
    {
        context.Response.Headers.RetryAfter = ((int)RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Hosting.Problems.Create(StatusCodes.Status503ServiceUnavailable, "storage-unavailable", "Dịch vụ tạm thời gián đoạn", detail)
            .ExecuteAsync(context);
    }
}
