using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Baocao.Hosting;

namespace Baocao.Tests.Infrastructure;

/// <summary>How a test stands in for the Azure Functions host calling the custom handler (shared/FUNCTIONS-HOST.md): payloads and the call itself.</summary>
public static class FunctionsHost
{
    public enum Encoding { StringDataType, BinaryDataType, RawJson }

    /// <summary>A timer invocation exactly as the host sends it.</summary>
    public static string TimerPayload(string function) => $$$$"""
        {"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"2026-11-24T01:55:00+00:00","Next":"2026-11-24T02:05:00+00:00","LastUpdated":"2026-11-24T01:55:00+00:00"},"IsPastDue":false}},
         "Metadata":{"sys":{"MethodName":"{{{{function}}}}","UtcNow":"2026-11-24T02:00:00.0123456Z","RandGuid":"6f1c1b7e-3f0a-4c55-9d53-0c1e2a0f5d11"}}}
        """;

    /// <summary>A queue invocation; <paramref name="data"/> is the message as the host put it into <c>Data</c> (see <see cref="Data"/>).</summary>
    public static string QueuePayload(string function, string data) => $$$$"""
        {"Data":{"message":{{{{data}}}}},
         "Metadata":{"DequeueCount":"1","ExpirationTime":"\"2026-12-01T02:00:00+00:00\"","Id":"\"0b6d5c4e-8b0d-4a43-9d0e-5a3f0d7c6b21\"",
                     "InsertionTime":"\"2026-11-24T02:00:00+00:00\"","NextVisibleTime":"\"2026-11-24T02:00:30+00:00\"","PopReceipt":"\"AgAAAAMAAAAAAAAA\"",
                     "sys":{"MethodName":"{{{{function}}}}","UtcNow":"2026-11-24T02:00:01Z","RandGuid":"1d6b2c1e-0c3a-4b7e-9a55-3e2f1c0d9b88"}}}
        """;

    /// <summary>
    /// How the host puts a queue message into <c>Data</c>: with the string data type it JSON-encodes the text once more
    /// (so <c>hello</c> arrives as <c>"\"hello\""</c>); with the binary data type it sends base64; a message the host
    /// already parsed arrives as the JSON value itself.
    /// </summary>
    public static string Data(string message, Encoding encoding) => encoding switch
    {
        Encoding.StringDataType => JsonSerializer.Serialize(JsonSerializer.Serialize(message)),
        Encoding.BinaryDataType => JsonSerializer.Serialize(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(message))),
        _ => message,
    };

    /// <summary>Sent like the host: chunked (no Content-Length), JSON with charset, invocation headers.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> InvokeAsync(HttpClient client, string function, string payload)
    {
        using var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(payload)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/" + function) { Content = content };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Add(TriggerInvocations.InvocationIdHeader, Guid.NewGuid().ToString());
        request.Headers.Add("X-Azure-Functions-HostVersion", "4.1042.100.0");
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();
        return (response.StatusCode, body);
    }
}
