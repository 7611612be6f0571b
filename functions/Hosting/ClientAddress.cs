using System.Net;

namespace Baocao.Hosting;

/// <summary>
/// The caller's address as the app judges it, for the per-address rate limit and the local-only tools. Under the
/// Functions host every request reaches the worker from the host on this machine (it forwards them with YARP's default
/// transform, which copies the headers and adds none), so the connection's address is loopback there; the address
/// Azure's front end saw comes in <c>X-Forwarded-For</c>, as the last entry, the one that front end appended. Only a
/// request from this machine is believed about where it came from.
/// </summary>
public static class ClientAddress
{
    public const string ForwardedFor = "X-Forwarded-For";

    public static IPAddress? Of(HttpContext http)
    {
        var connection = http.Connection.RemoteIpAddress;
        if (connection is not null && !IPAddress.IsLoopback(connection)) return connection;
        var last = http.Request.Headers[ForwardedFor].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        // Azure's front ends write the port too (203.0.113.7:52311); a bare address parses either way.
        if (last is not null && IPAddress.TryParse(last, out var address)) return address;
        return last is not null && IPEndPoint.TryParse(last, out var endpoint) ? endpoint.Address : connection;
    }

    public static bool IsLocal(HttpContext http) => Of(http) is not { } caller || IPAddress.IsLoopback(caller);
}
