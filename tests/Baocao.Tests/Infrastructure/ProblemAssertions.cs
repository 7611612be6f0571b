using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Baocao.Tests.Infrastructure;

/// <summary>Checks that a response is RFC 9457 Problem Details with the expected status, and returns its body.</summary>
public static class ProblemAssertions
{
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? code = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("title").GetString()));
        if (code is not null)
        {
            var codes = Codes(body);
            Assert.True(codes.Contains(code), $"Expected problem code '{code}' in [{string.Join(", ", codes)}]: {text}");
        }
        return body;
    }

    /// <summary>The problem's own code (from its type) and the codes of its field errors.</summary>
    public static IReadOnlyList<string> Codes(JsonElement problem)
    {
        var codes = new List<string>();
        if (problem.TryGetProperty("type", out var type) && type.GetString() is { } t) codes.Add(t.Replace("urn:baocao:problem:", "", StringComparison.Ordinal));
        if (problem.TryGetProperty("errors", out var errors))
        {
            codes.AddRange(errors.EnumerateArray().Select(e => e.GetProperty("code").GetString()!));
        }
        return codes;
    }

    public static JsonElement Error(this JsonElement problem, string code) =>
        problem.GetProperty("errors").EnumerateArray().First(e => e.GetProperty("code").GetString() == code);

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, string json) =>
        client.PutAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public static async Task<T> ReadAsAsync<T>(this HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(Baocao.Hosting.JsonBody.Strict.ForReading()))!;
    }
}

public static class JsonOptionsExtensions
{
    /// <summary>Reading responses tolerates fields the test does not model, and fields left out because they are null.</summary>
    public static JsonSerializerOptions ForReading(this JsonSerializerOptions options) =>
        new(options) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip, RespectRequiredConstructorParameters = false };
}
