using System.Net;

namespace Baocao.Tests.Reliability;

/// <summary>
/// A client as a unit's system should be written: it sends the very same request again (same Idempotency-Key, same
/// body) when the connection fails, the request times out, or the app answers 5xx, waiting as Retry-After says (capped,
/// so a test stays short) or backing off; any other answer is final. Every try is counted in <see cref="Figures"/>.
/// </summary>
public sealed class PatientClient(HttpClient http, Figures figures, TimeSpan? answerWithin = null)
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);

    /// <summary>The longest any single answer took: a request that hangs shows here.</summary>
    public TimeSpan SlowestAnswer { get; private set; }

    private readonly Lock _slowest = new();

    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, CancellationToken ct, TimeSpan? giveUpAfter = null)
    {
        var deadline = DateTime.UtcNow + (giveUpAfter ?? TimeSpan.FromMinutes(5));
        var backoff = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            figures.CountSent();
            var started = DateTime.UtcNow;
            TimeSpan wait;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(answerWithin ?? TimeSpan.FromSeconds(30));
                using var message = request();
                var response = await http.SendAsync(message, timeout.Token);
                Note(DateTime.UtcNow - started);
                if ((int)response.StatusCode < 500) return response;
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter?.Delta is { } delta)
                {
                    figures.CountUnavailable();
                    wait = delta < MaxWait ? delta : MaxWait;
                }
                else
                {
                    figures.CountServerError();
                    TestContext.Current.TestOutputHelper?.WriteLine($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
                    wait = backoff;
                }
                response.Dispose();
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                Note(DateTime.UtcNow - started);
                figures.CountConnectionError();
                wait = backoff;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The app did not take the request within " + (giveUpAfter ?? TimeSpan.FromMinutes(5)));
            await Task.Delay(wait, ct);
            backoff = backoff * 2 < MaxWait ? backoff * 2 : MaxWait;
        }
    }

    private void Note(TimeSpan took)
    {
        lock (_slowest)
        {
            if (took > SlowestAnswer) SlowestAnswer = took;
        }
    }
}
