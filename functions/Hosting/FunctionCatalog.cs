using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Baocao.Hosting;

/// <summary>What starts a function: a request on a route, a schedule, a queue message, or the durable engine.</summary>
public abstract record FunctionTrigger(string Type);

/// <summary>An HTTP trigger: methods (lower case) and the route below the host's route prefix.</summary>
public sealed record HttpFunctionTrigger(IReadOnlyList<string> Methods, string Route) : FunctionTrigger("httpTrigger");

/// <summary>A timer trigger: NCRONTAB with seconds, or <c>%Setting%</c> naming the app setting that holds it.</summary>
public sealed record TimerFunctionTrigger(string Schedule, bool RunOnStartup) : FunctionTrigger("timerTrigger");

/// <summary>A queue trigger: the queue, and the setting naming the storage connection.</summary>
public sealed record QueueFunctionTrigger(string QueueName, string Connection) : FunctionTrigger("queueTrigger");

/// <summary>An orchestrator: the durable engine runs an episode of it whenever its instance has new history.</summary>
public sealed record OrchestrationFunctionTrigger() : FunctionTrigger("orchestrationTrigger");

/// <summary>An activity: the durable engine runs it when an orchestration schedules it, with the orchestration's input.</summary>
public sealed record ActivityFunctionTrigger() : FunctionTrigger("activityTrigger");

/// <summary>
/// One function of the app as the Worker SDK declares it: its name, its trigger, the method that runs it, the
/// parameter that takes a <c>[DurableClient]</c> (the only way a function reaches orchestrations in Azure), if any, and
/// the one that takes the request's JSON body (<see cref="JsonBodyAttribute"/>), if any.
/// </summary>
public sealed record FunctionDescriptor(string Name, FunctionTrigger Trigger, MethodInfo Method, ParameterInfo TriggerParameter,
    ParameterInfo? DurableClientParameter = null, ParameterInfo? BodyParameter = null);

/// <summary>
/// The app's functions, read from their <c>[Function]</c> attributes the way the Worker SDK reads them to write
/// functions.metadata. Each HTTP function also gets an endpoint with the metadata of its attributes and return type,
/// so OpenAPI, caller checks and security headers read one description under any host.
/// </summary>
public sealed class FunctionCatalog
{
    public const string DefaultRoutePrefix = "api";

    private readonly Dictionary<string, RouteEndpoint> _endpoints;

    private FunctionCatalog(IReadOnlyList<FunctionDescriptor> functions, string routePrefix)
    {
        Functions = functions;
        RoutePrefix = routePrefix;
        _endpoints = functions.Where(f => f.Trigger is HttpFunctionTrigger)
            .Select(f => (f.Name, Endpoint: EndpointOf(f, routePrefix)))
            .ToDictionary(e => e.Name, e => e.Endpoint, StringComparer.Ordinal);
        HttpEndpoints = new HttpFunctionEndpoints([.. _endpoints.Values]);
    }

    public IReadOnlyList<FunctionDescriptor> Functions { get; }

    /// <summary>The route prefix of host.json (<c>extensions.http.routePrefix</c>), <c>api</c> unless set.</summary>
    public string RoutePrefix { get; }

    /// <summary>Every HTTP function's endpoint, as a data source OpenAPI and route walks read.</summary>
    public HttpFunctionEndpoints HttpEndpoints { get; }

    /// <summary>The endpoint of the HTTP function <paramref name="name"/>.</summary>
    public RouteEndpoint EndpointOf(string name) =>
        _endpoints.TryGetValue(name, out var endpoint) ? endpoint : throw new KeyNotFoundException($"No HTTP function named {name}.");

    /// <summary>The functions of <paramref name="assembly"/>, with the route prefix of the host.json beside it.</summary>
    public static FunctionCatalog Of(Assembly assembly, string? hostJsonFolder = null)
    {
        var functions = assembly.GetExportedTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(Describe).OfType<FunctionDescriptor>()
            .OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        var duplicate = functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"Two functions are named {duplicate.Key}.");
        var routePrefix = HostJsonFile.Reader(hostJsonFolder ?? AppContext.BaseDirectory)("extensions:http:routePrefix") ?? DefaultRoutePrefix;
        return new FunctionCatalog(functions, routePrefix);
    }

    private static FunctionDescriptor? Describe(MethodInfo method)
    {
        if (method.GetCustomAttribute<FunctionAttribute>() is not { } function) return null;
        foreach (var parameter in method.GetParameters())
        {
            FunctionTrigger? trigger = parameter.GetCustomAttributes().FirstOrDefault() switch
            {
                HttpTriggerAttribute http => new HttpFunctionTrigger(
                    (http.Methods ?? ["get", "post", "put", "delete", "patch", "head", "options"]).Select(m => m.ToLowerInvariant()).ToList(),
                    http.Route ?? function.Name),
                TimerTriggerAttribute timer => new TimerFunctionTrigger(timer.Schedule, timer.RunOnStartup),
                QueueTriggerAttribute queue => new QueueFunctionTrigger(queue.QueueName, queue.Connection ?? "AzureWebJobsStorage"),
                OrchestrationTriggerAttribute => new OrchestrationFunctionTrigger(),
                ActivityTriggerAttribute => new ActivityFunctionTrigger(),
                _ => null,
            };
            if (trigger is not null)
            {
                var client = method.GetParameters().FirstOrDefault(p => p.GetCustomAttribute<DurableClientAttribute>() is not null);
                var bodies = method.GetParameters().Where(p => p.GetCustomAttribute<JsonBodyAttribute>() is not null).ToList();
                if (bodies.Count > (trigger is HttpFunctionTrigger ? 1 : 0))
                {
                    throw new InvalidOperationException($"Function {function.Name} has {bodies.Count} [JsonBody] parameters; only an HTTP function takes one, and only one.");
                }
                return new FunctionDescriptor(function.Name, trigger, method, parameter, client, bodies.SingleOrDefault());
            }
        }
        throw new InvalidOperationException($"Function {function.Name} has no trigger this app knows (HTTP, timer, queue, orchestration or activity).");
    }

    /// <summary>A parameter the Functions host binds (<see cref="BindingAttribute"/>) or the pipeline reads (<see cref="JsonBodyAttribute"/>).</summary>
    private static bool IsBoundOutsideMinimalApis(ParameterInfo parameter) =>
        parameter.GetCustomAttributes<BindingAttribute>().Any() || parameter.GetCustomAttribute<JsonBodyAttribute>() is not null;

    private static RouteEndpoint EndpointOf(FunctionDescriptor function, string routePrefix)
    {
        var http = (HttpFunctionTrigger)function.Trigger;
        var method = function.Method;
        var metadata = new List<object> { method };
        // A function's body is its [JsonBody] parameter, or one it reads by hand and names with [Accepts]. Minimal APIs
        // would take a parameter the Functions host binds (a [DurableClient]) for a JSON body, refuse a method with it
        // and a [JsonBody] as one with two bodies, and OpenAPI would describe that client as the request: to them such
        // parameters are services, and their descriptions are left out.
        var bound = method.GetParameters().Where(IsBoundOutsideMinimalApis).Select(p => p.ParameterType).ToHashSet();
        var options = new RequestDelegateFactoryOptions { ServiceProvider = new ServicesNamed(bound) };
        metadata.AddRange(RequestDelegateFactory.InferMetadata(method, options).EndpointMetadata.Where(m => m switch
        {
            IAcceptsMetadata => false,
            IParameterBindingMetadata parameter => !IsBoundOutsideMinimalApis(parameter.ParameterInfo),
            _ => true,
        }));
        if (function.BodyParameter is { } body) metadata.Add(new AcceptsMetadata(["application/json"], body.ParameterType));
        foreach (var attribute in method.DeclaringType!.GetCustomAttributes(inherit: true).Concat(method.GetCustomAttributes(inherit: true)))
        {
            if (attribute is IExpandsToMetadata expands) metadata.AddRange(expands.Metadata());
            else metadata.Add(attribute);
        }
        metadata.Add(new HttpMethodMetadata(http.Methods.Select(m => m.ToUpperInvariant()).ToList()));
        metadata.Add(new EndpointNameMetadata(function.Name));
        metadata.Add(function);
        var pattern = RoutePatternFactory.Parse($"{routePrefix}/{http.Route}".TrimStart('/'));
        // Never run: each host invokes the function its own way (see HttpFunctionPipeline); the endpoint is its description.
        return new RouteEndpoint(_ => throw new InvalidOperationException($"{function.Name} runs through its host."),
            // One order for all, so a literal segment wins over a parameter (sign-in over {periodId}) by route precedence.
            pattern, order: 0, new EndpointMetadataCollection(metadata), function.Name);
    }
}

/// <summary>Tells minimal APIs that these types, and nothing else, are services.</summary>
file sealed class ServicesNamed(IReadOnlySet<Type> types) : IServiceProvider, IServiceProviderIsService
{
    public object? GetService(Type serviceType) => serviceType == typeof(IServiceProviderIsService) ? this : null;

    public bool IsService(Type serviceType) => types.Contains(serviceType);
}

/// <summary>The HTTP functions' endpoints, as the data source that OpenAPI (through ApiExplorer) describes.</summary>
public sealed class HttpFunctionEndpoints(IReadOnlyList<Endpoint> endpoints) : EndpointDataSource
{
    public override IReadOnlyList<Endpoint> Endpoints { get; } = endpoints;

    public override Microsoft.Extensions.Primitives.IChangeToken GetChangeToken() => Microsoft.Extensions.FileProviders.NullChangeToken.Singleton;
}
