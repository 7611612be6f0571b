using System.Net;
using Baocao.Hosting;
using Baocao.Tests.Infrastructure;

namespace Baocao.Tests.Hosting;

/// <summary>
/// Under the Functions host every request comes to the worker from the host on this machine, with the address Azure's
/// front end saw in X-Forwarded-For: the per-address limit and the local-only tools go by that address, not by the host's.
/// </summary>
public sealed class ClientAddressTests(LimitedApp app) : IClassFixture<LimitedApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<HttpStatusCode> GetAsync(string path, string? forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (forwardedFor is not null) request.Headers.Add(ClientAddress.ForwardedFor, forwardedFor);
        using var client = app.Anonymous();
        return (await client.SendAsync(request, Ct)).StatusCode;
    }

    [Fact]
    public async Task Callers_forwarded_from_two_addresses_have_a_limit_each()
    {
        for (var i = 0; i < 7; i++) Assert.Equal(HttpStatusCode.OK, await GetAsync("/api/health", "10.0.0.4, 203.0.113.7:52311"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GetAsync("/api/health", "203.0.113.7:40001"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync("/api/health", "198.51.100.9"));
    }

    [Fact]
    public async Task A_local_tool_does_not_answer_a_caller_forwarded_from_elsewhere()
    {
        Assert.Equal(HttpStatusCode.NotFound, await GetAsync("/api/dev/mail", "[2001:db8::7]:443"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync("/api/dev/mail", "127.0.0.1"));
    }
}
