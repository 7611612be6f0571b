using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Converters;

namespace Baocao.Hosting;

/// <summary>
/// The function parameter that takes the request's JSON body, read by <see cref="JsonBody"/>'s strict rules. The
/// pipeline reads it after the caller checks and before the function (<see cref="JsonBodyBinding"/>), so a body that
/// cannot be read is answered in that one place and the function never runs; each host then hands the function what
/// was read. OpenAPI describes the parameter's type as the request body (see <see cref="FunctionCatalog"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class JsonBodyAttribute() : InputConverterAttribute(typeof(JsonBodyConverter));

/// <summary>Reads the body of a function's <see cref="JsonBodyAttribute"/> parameter before the function runs.</summary>
public static class JsonBodyBinding
{
    /// <summary>Reads the body the function takes, if it takes one: null when read (or none is taken), else the problem to answer.</summary>
    public static async Task<ProblemHttpResult?> BindAsync(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<FunctionDescriptor>()?.BodyParameter is not { } parameter) return null;
        var body = await JsonBody.ReadAsync(http.Request, parameter.ParameterType, http.RequestAborted);
        if (body.Problem is { } problem) return problem;
        http.Features.Set(new BoundBody(body.Value!));
        return null;
    }

    /// <summary>The body read for this request's function.</summary>
    public static object ValueOf(HttpContext http) =>
        http.Features.Get<BoundBody>()?.Value
        ?? throw new InvalidOperationException("No JSON body was read for this function: it ran outside HttpFunctionPipeline.");

    private sealed record BoundBody(object Value);
}

/// <summary>
/// Under the Functions host, gives a <see cref="JsonBodyAttribute"/> parameter the body the pipeline read. It never
/// fails a conversion: the worker would leave the parameter null, so a bad body is answered before the function is.
/// </summary>
public sealed class JsonBodyConverter : IInputConverter
{
    public ValueTask<ConversionResult> ConvertAsync(ConverterContext context) =>
        ValueTask.FromResult(ConversionResult.Success(JsonBodyBinding.ValueOf(
            context.FunctionContext.GetHttpContext() ?? throw new InvalidOperationException($"{context.FunctionContext.FunctionDefinition.Name} takes a JSON body but is not an HTTP function."))));
}
