using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Baocao.Hosting;

/// <summary>A function the Functions host must know: a name, and the function.json the host reads for it.</summary>
public interface IHostFunction
{
    string Name { get; }

    JsonObject FunctionJson();
}

/// <summary>An HTTP function: its name, its HTTP methods and its route below <c>/api</c>.</summary>
public sealed record HttpFunction(string Name, IReadOnlyList<string> Methods, string Route, string AuthLevel) : IHostFunction
{
    /// <summary>Exactly one httpTrigger and one http output, which is what makes the host forward plain HTTP.</summary>
    public JsonObject FunctionJson() => new()
    {
        ["bindings"] = new JsonArray(
            new JsonObject
            {
                ["type"] = "httpTrigger",
                ["direction"] = "in",
                ["name"] = "req",
                ["authLevel"] = AuthLevel,
                ["methods"] = new JsonArray(Methods.Select(m => (JsonNode)m).ToArray()),
                ["route"] = Route,
            },
            new JsonObject { ["type"] = "http", ["direction"] = "out", ["name"] = "res" }),
    };
}

/// <summary>Marks an endpoint that exists only when running locally (the mail sink), so it never becomes a function.</summary>
public sealed record LocalOnlyMetadata;

/// <summary>
/// The functions of the app: every route under <c>/api</c>, read from its own endpoints, where it is declared once, and
/// every timer and queue function, registered once by its feature (<see cref="TriggerFunctionRegistration"/>). The
/// <c>function.json</c> folders the host needs are generated from this table at publish.
/// The app authenticates callers itself (unit and admin keys), so every HTTP function is anonymous at the host.
/// </summary>
public static partial class FunctionTable
{
    public const string GenerateArgument = "--write-functions";

    [GeneratedRegex("[^A-Za-z0-9_]")]
    private static partial Regex NotNameCharacter();

    /// <summary>The whole table: HTTP functions and trigger functions, by name.</summary>
    public static IReadOnlyList<IHostFunction> From(EndpointDataSource endpoints, IEnumerable<TriggerFunction> triggers) =>
        Http(endpoints).Cast<IHostFunction>().Concat(triggers).OrderBy(f => f.Name, StringComparer.Ordinal).ToList();

    /// <summary>The table of a built app.</summary>
    public static IReadOnlyList<IHostFunction> From(IServiceProvider services) =>
        From(services.GetRequiredService<EndpointDataSource>(), services.GetServices<TriggerFunction>());

    public static IReadOnlyList<HttpFunction> Http(EndpointDataSource endpoints) =>
        endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/", StringComparison.Ordinal) == true)
            .Where(e => e.Metadata.GetMetadata<LocalOnlyMetadata>() is null)
            .GroupBy(e => Route(e.RoutePattern))
            .SelectMany(route => route.GroupBy(e => NameOf(e)).Select(named => new HttpFunction(
                named.Key,
                named.SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"])
                    .Select(m => m.ToLowerInvariant()).Distinct().Order().ToList(),
                route.Key,
                "anonymous")))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>Writes one folder per function with its function.json, as the Functions host expects beside host.json.</summary>
    public static void Write(IReadOnlyList<IHostFunction> functions, string folder)
    {
        foreach (var function in functions)
        {
            var directory = Directory.CreateDirectory(Path.Combine(folder, function.Name));
            File.WriteAllText(Path.Combine(directory.FullName, "function.json"), function.FunctionJson().ToJsonString(Indented));
        }
    }

    /// <summary>
    /// When started with <c>--write-functions DIR</c>, the app builds its endpoints, writes the function folders and
    /// exits without serving.
    /// </summary>
    public static bool WriteAndExitIfAsked(this WebApplication app, string[] args)
    {
        var at = Array.IndexOf(args, GenerateArgument);
        if (at < 0) return false;
        var folder = args.Length > at + 1 ? args[at + 1] : throw new ArgumentException($"{GenerateArgument} needs a folder.");
        // Before the app runs, its endpoints sit in the route builder's own data sources, not yet in the DI-composed one.
        var functions = From(new CompositeEndpointDataSource(((IEndpointRouteBuilder)app).DataSources), app.Services.GetServices<TriggerFunction>());
        Write(functions, folder);
        Console.WriteLine($"Wrote {functions.Count} functions to {folder}");
        return true;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The host's route template is the app's path without the <c>api/</c> prefix, which the host adds itself.</summary>
    private static string Route(RoutePattern pattern) => pattern.RawText!.TrimStart('/')["api/".Length..].TrimEnd('/');

    private static string NameOf(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName
        ?? NotNameCharacter().Replace(Route(endpoint.RoutePattern), "_").Trim('_');
}
