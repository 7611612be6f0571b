using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Baocao.Hosting;

/// <summary>
/// An attribute on a function (or its class) that stands for one or more pieces of endpoint metadata, so a function
/// says in one line what a minimal-API route said with <c>.ProducesProblem(…)</c> and friends.
/// </summary>
public interface IExpandsToMetadata
{
    IEnumerable<object> Metadata();
}

/// <summary>The function may answer this status with Problem Details (for OpenAPI).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true)]
public sealed class ProducesProblemAttribute(params int[] statuses) : Attribute, IExpandsToMetadata
{
    public IEnumerable<object> Metadata() =>
        statuses.Select(status => new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ["application/problem+json"]));
}

/// <summary>A function that reads a JSON body: unreadable (400), invalid (422), not JSON (415).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class ProducesValidationProblemsAttribute() : Attribute, IExpandsToMetadata
{
    public IEnumerable<object> Metadata() => new ProducesProblemAttribute(
        StatusCodes.Status400BadRequest, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status415UnsupportedMediaType).Metadata();
}

/// <summary>A body the function reads itself, told to OpenAPI: its type and content types.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AcceptsAttribute(Type type, params string[] contentTypes) : Attribute, IExpandsToMetadata
{
    public IEnumerable<object> Metadata() => [new AcceptsMetadata(contentTypes.Length > 0 ? contentTypes : ["application/json"], type)];
}

/// <summary>A successful answer that is not in the function's return type (a file, a page), told to OpenAPI.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ProducesAttribute(int status, string contentType, Type? type = null) : Attribute, IExpandsToMetadata
{
    public IEnumerable<object> Metadata() => [new ProducesResponseTypeMetadata(status, type, [contentType])];
}

/// <summary>
/// A query parameter the function reads from <c>req.Query</c>. The Functions host binds route values, not the query,
/// to parameters, so the query is read by hand and described here for OpenAPI.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class QueryParameterAttribute(string name, string description) : Attribute
{
    public string Name { get; } = name;
    public string Description { get; } = description;
    public JsonSchemaType Type { get; init; } = JsonSchemaType.String;
    public bool Required { get; init; }

    /// <summary>The values the parameter takes, when it is one of a few.</summary>
    public string[]? Values { get; init; }

    /// <summary>An enum whose members are the values, spelled as the API's JSON spells them (camelCase).</summary>
    public Type? ValuesOf { get; init; }

    public IReadOnlyList<string>? AllValues =>
        Values ?? ValuesOf?.GetEnumNames().Select(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName).ToArray();
}

/// <summary>Changes the function's OpenAPI operation with an <see cref="IOpenApiOperationTransformer"/> of its own.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OperationTransformerAttribute(Type transformer) : Attribute
{
    public IOpenApiOperationTransformer Transformer { get; } = (IOpenApiOperationTransformer)Activator.CreateInstance(transformer)!;
}

/// <summary>The answer's own Content-Security-Policy, for a function that serves a page with scripts of its own.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class ContentSecurityPolicyAttribute(string value) : Attribute
{
    public string Value { get; } = value;
}
