namespace Baocao.Tests.Infrastructure;

/// <summary>
/// What the app's SendGrid client is doing now, counted at both ends of its resilience pipeline: sends in the pipeline,
/// and tries out on the wire. A test that moves the clock for the pipeline's waits moves it only while the client waits
/// on nothing else: moved while a try is really being served, the clock would turn a busy machine's 100 ms into
/// seconds and time out tries that were never slow.
/// </summary>
public sealed class SendGridTraffic
{
    private int _sends, _tries;

    /// <summary>
    /// A send is in the pipeline and each of its tries out on the wire is one the sink holds back (<paramref name="held"/>):
    /// what the client waits for is a backoff, a Retry-After or a try's timeout, all on the clock.
    /// </summary>
    public bool WaitsOnlyOnTheClock(int held) => Volatile.Read(ref _sends) > 0 && Volatile.Read(ref _tries) <= held;

    /// <summary>Puts one counter outside the client's handlers (around the resilience pipeline) and one inside them.</summary>
    public void CountAround(IList<DelegatingHandler> handlers)
    {
        if (handlers.Count == 0) throw new InvalidOperationException("The SendGrid client has no resilience pipeline to count around.");
        handlers.Insert(0, new Counter(() => Interlocked.Increment(ref _sends), () => Interlocked.Decrement(ref _sends)));
        handlers.Add(new Counter(() => Interlocked.Increment(ref _tries), () => Interlocked.Decrement(ref _tries)));
    }

    private sealed class Counter(Action enter, Action leave) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            enter();
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            finally
            {
                leave();
            }
        }
    }
}
