using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Baocao.Storage;
using Microsoft.Extensions.Options;

namespace Baocao.Hosting;

/// <summary>
/// Answers the Functions host's <c>POST /{FunctionName}</c> for timer and queue functions, in the host's shapes:
/// <c>{"Data": {binding: value}, "Metadata": {...}}</c> in, <c>{"Outputs", "Logs", "ReturnValue"}</c> out. A failed
/// handler answers 500, which fails the invocation: the host retries a queue message and poisons it in the end.
/// These routes sit outside <c>/api</c>, so no HTTP function forwards to them, and they answer loopback callers only.
/// </summary>
public static partial class TriggerInvocations
{
    public const string InvocationIdHeader = "X-Azure-Functions-InvocationId";

    private static readonly TimeSpan StorageWait = TimeSpan.FromSeconds(30);

    public static IEndpointRouteBuilder MapTriggerFunctions(this IEndpointRouteBuilder app)
    {
        foreach (var function in app.ServiceProvider.GetServices<TriggerFunction>())
        {
            app.MapPost("/" + function.Name, (Delegate)((HttpContext context) => InvokeAsync(function, context)))
                .ExcludeFromDescription()
                .WithMetadata(new TriggerInvocationMetadata(function.Name));
        }
        return app;
    }

    private static async Task<IResult> InvokeAsync(TriggerFunction function, HttpContext context)
    {
        // The host calls from the same machine; anything else is not the host, and is told nothing is here.
        if (context.Connection.RemoteIpAddress is { } caller && !IPAddress.IsLoopback(caller)) return Results.NotFound();

        var services = context.RequestServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TriggerInvocations));
        var invocationId = context.Request.Headers[InvocationIdHeader].ToString();
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["FunctionName"] = function.Name, ["InvocationId"] = invocationId });
        Activity.Current?.SetTag("faas.trigger", function.Trigger is TimerBinding ? "timer" : "pubsub");
        Activity.Current?.SetTag("faas.invocation_id", invocationId);
        var ct = context.RequestAborted;
        var started = Stopwatch.GetTimestamp();

        object input;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: ct);
            input = Decode(function.Trigger, body.RootElement);
        }
        catch (Exception error) when (error is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            LogBadPayload(logger, function.Name, error.Message);
            return Answer(StatusCodes.Status400BadRequest, $"{function.Name}: the invocation payload was not understood: {error.Message}");
        }

        if (input is TimerInfo { IsPastDue: true } timer) LogPastDue(logger, function.Name, timer.Last);

        try
        {
            await services.GetRequiredService<StorageReadiness>().Ready.WaitAsync(StorageWait, ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            return Answer(StatusCodes.Status503ServiceUnavailable, $"{function.Name}: storage is not ready; the host will try again.");
        }

        var metrics = services.GetRequiredService<BaocaoMetrics>();
        try
        {
            var result = await function.Invoke(services, input, ct);
            var elapsed = Stopwatch.GetElapsedTime(started);
            metrics.Invocation(function.Name, succeeded: true, elapsed);
            LogSucceeded(logger, function.Name, elapsed.TotalMilliseconds);
            var options = services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            return Answer(StatusCodes.Status200OK, $"{function.Name} succeeded in {elapsed.TotalMilliseconds:0} ms",
                result is null ? null : JsonSerializer.SerializeToNode(result, result.GetType(), options));
        }
        catch (Exception error)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            metrics.Invocation(function.Name, succeeded: false, elapsed);
            LogFailed(logger, error, function.Name, elapsed.TotalMilliseconds);
            // Always a JSON object: an empty answer would leave the invocation hanging until functionTimeout.
            return Answer(StatusCodes.Status500InternalServerError, $"{function.Name} failed: {error.GetType().Name}: {error.Message}");
        }
    }

    /// <summary>The host's response shape; no outputs, since no function here declares an output binding.</summary>
    private static IResult Answer(int status, string log, JsonNode? returnValue = null) => Results.Text(
        new JsonObject { ["Outputs"] = new JsonObject(), ["Logs"] = new JsonArray(log), ["ReturnValue"] = returnValue }.ToJsonString(),
        "application/json", Encoding.UTF8, status);

    /// <summary>The trigger value from the host's <c>Data</c>, decoded for the handler.</summary>
    public static object Decode(TriggerBinding binding, JsonElement payload)
    {
        var data = Property(payload, "Data") ?? throw new KeyNotFoundException("no Data");
        var value = Property(data, binding.Name) ?? throw new KeyNotFoundException($"no Data.{binding.Name}");
        return binding switch
        {
            TimerBinding => Timer(value),
            QueueBinding => QueueMessage(value),
            _ => throw new InvalidOperationException($"unknown trigger {binding.GetType().Name}"),
        };
    }

    /// <summary>
    /// The queue message's text, whichever way the host encoded it: a JSON string holding the text JSON-encoded once
    /// more (the default string data type), base64 (binary data type), or the message's JSON itself.
    /// </summary>
    public static string QueueMessage(JsonElement value)
    {
        if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array) return value.GetRawText();
        if (value.ValueKind != JsonValueKind.String) throw new FormatException($"a queue message cannot be {value.ValueKind}");
        var text = value.GetString()!;
        if (TryParseJsonString(text, out var inner)) return inner;
        return TryBase64Utf8(text, out var decoded) ? decoded : text;
    }

    public static TimerInfo Timer(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            using var inner = JsonDocument.Parse(value.GetString()!);
            return Timer(inner.RootElement.Clone());
        }
        if (value.ValueKind != JsonValueKind.Object) throw new FormatException($"a timer value cannot be {value.ValueKind}");
        var status = Property(value, "ScheduleStatus") is { ValueKind: JsonValueKind.Object } s ? s : (JsonElement?)null;
        return new TimerInfo(
            Property(value, "IsPastDue") is { ValueKind: JsonValueKind.True },
            status is { } a ? Time(a, "Last") : null,
            status is { } b ? Time(b, "Next") : null);
    }

    private static DateTimeOffset? Time(JsonElement status, string name) =>
        Property(status, name) is { ValueKind: JsonValueKind.String } t && t.TryGetDateTimeOffset(out var at) ? at : null;

    /// <summary>Top-level names are case-insensitive in the host's contract.</summary>
    private static JsonElement? Property(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object) return null;
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase)) return property.Value;
        }
        return null;
    }

    private static bool TryParseJsonString(string text, out string value)
    {
        value = "";
        if (text.Length < 2 || text[0] != '"') return false;
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.String) return false;
            value = document.RootElement.GetString()!;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Base64 that decodes to valid UTF-8: a plain-text message almost never does, so the guess is safe.</summary>
    private static bool TryBase64Utf8(string text, out string decoded)
    {
        decoded = "";
        if (text.Length == 0 || text.Length % 4 != 0) return false;
        var bytes = new byte[text.Length / 4 * 3];
        if (!Convert.TryFromBase64String(text, bytes, out var length)) return false;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, length);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    [LoggerMessage(LogLevel.Information, "{FunctionName} succeeded in {ElapsedMs:0} ms")]
    private static partial void LogSucceeded(ILogger logger, string functionName, double elapsedMs);

    [LoggerMessage(LogLevel.Error, "{FunctionName} failed after {ElapsedMs:0} ms; the host will retry or poison the message")]
    private static partial void LogFailed(ILogger logger, Exception error, string functionName, double elapsedMs);

    [LoggerMessage(LogLevel.Warning, "{FunctionName} runs late (past due; last run {LastRun})")]
    private static partial void LogPastDue(ILogger logger, string functionName, DateTimeOffset? lastRun);

    [LoggerMessage(LogLevel.Warning, "{FunctionName}: invocation payload not understood: {Reason}")]
    private static partial void LogBadPayload(ILogger logger, string functionName, string reason);
}

/// <summary>Marks the host-only invocation route of a trigger function.</summary>
public sealed record TriggerInvocationMetadata(string FunctionName);
