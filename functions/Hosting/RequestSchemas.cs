using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Baocao.Hosting;

/// <summary>
/// Request bodies show only what a caller may send. A property the server computes (a getter with no setter and no
/// constructor parameter, such as <c>Indicator.IsNumeric</c>) is written in answers and never read, so it is marked
/// read-only; a request body then gets its own copy of each schema that holds such a property (directly or below),
/// without it: <c>TemplateSectionInput</c> beside the <c>TemplateSection</c> of answers.
/// </summary>
public static class RequestSchemas
{
    public const string InputSuffix = "Input";

    /// <summary>Marks the properties the serializer writes but never reads.</summary>
    public static Task MarkComputedAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is null && context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && schema.Properties is { } properties)
        {
            foreach (var property in context.JsonTypeInfo.Properties.Where(IsComputed))
            {
                if (properties.TryGetValue(property.Name, out var found) && found is OpenApiSchema inline) inline.ReadOnly = true;
            }
        }
        return Task.CompletedTask;
    }

    private static bool IsComputed(JsonPropertyInfo property) => property.Get is not null && property.Set is null && property.AssociatedParameter is null;

    /// <summary>Points every request body at schemas without read-only properties, copying a schema that answers share.</summary>
    public static Task SplitAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var components = document.Components?.Schemas;
        if (components is null) return Task.CompletedTask;
        var operations = (document.Paths ?? new OpenApiPaths()).Values.SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()).ToList();
        var bodies = operations.SelectMany(o => o.RequestBody?.Content?.Values ?? []).Where(m => m.Schema is not null).ToList();

        var inRequests = Reachable(bodies.Select(m => m.Schema!), components);
        var elsewhere = Reachable(operations.SelectMany(Outside), components);
        // A schema needs a request form when it has a read-only property, or leads to one that does.
        var needed = new HashSet<string>(inRequests.Where(id => HasReadOnly(components[id])));
        for (var grown = true; grown;)
        {
            grown = false;
            foreach (var id in inRequests.Where(id => !needed.Contains(id) && References(components[id]).Any(needed.Contains)))
            {
                grown = needed.Add(id);
            }
        }
        var renamed = needed.ToDictionary(id => id, id => elsewhere.Contains(id) ? id + InputSuffix : id);
        foreach (var (id, requestId) in renamed)
        {
            if (requestId != id && components.ContainsKey(requestId)) throw new InvalidOperationException($"Schema {requestId} exists already.");
            components[requestId] = WithoutReadOnly(components[id], renamed, document);
        }
        foreach (var media in bodies) media.Schema = WithoutReadOnly(media.Schema!, renamed, document);
        return Task.CompletedTask;
    }

    /// <summary>The schemas of an operation outside its request body: parameters, headers and answers.</summary>
    private static IEnumerable<IOpenApiSchema> Outside(OpenApiOperation operation) =>
        (operation.Parameters ?? []).Select(p => p.Schema)
            .Concat((operation.Responses?.Values ?? Enumerable.Empty<IOpenApiResponse>()).SelectMany(r =>
                (r.Content?.Values ?? []).Select(m => m.Schema).Concat((r.Headers?.Values ?? []).Select(h => h.Schema))))
            .OfType<IOpenApiSchema>();

    private static HashSet<string> Reachable(IEnumerable<IOpenApiSchema> roots, IDictionary<string, IOpenApiSchema> components)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(roots.SelectMany(References));
        while (queue.TryDequeue(out var id))
        {
            if (!seen.Add(id) || !components.TryGetValue(id, out var schema)) continue;
            foreach (var next in References(schema)) queue.Enqueue(next);
        }
        return seen;
    }

    /// <summary>The components a schema names, without following them.</summary>
    private static IEnumerable<string> References(IOpenApiSchema schema) => schema switch
    {
        OpenApiSchemaReference { Reference.Id: { } id } => [id],
        OpenApiSchema inline => Children(inline).SelectMany(References),
        _ => [],
    };

    private static bool HasReadOnly(IOpenApiSchema schema) =>
        schema is OpenApiSchema inline && (inline.ReadOnly || Children(inline).Any(HasReadOnly));

    private static IEnumerable<IOpenApiSchema> Children(OpenApiSchema schema) =>
        new[] { schema.Items, schema.AdditionalProperties, schema.Not }.OfType<IOpenApiSchema>()
            .Concat(schema.Properties?.Values ?? []).Concat(schema.AllOf ?? []).Concat(schema.AnyOf ?? []).Concat(schema.OneOf ?? []);

    /// <summary>A copy of the schema without its read-only properties, naming the request forms of the schemas it leads to.</summary>
    private static IOpenApiSchema WithoutReadOnly(IOpenApiSchema schema, IReadOnlyDictionary<string, string> renamed, OpenApiDocument document)
    {
        if (schema is OpenApiSchemaReference { Reference.Id: { } id } && renamed.TryGetValue(id, out var requestId))
        {
            return new OpenApiSchemaReference(requestId, document);
        }
        if (schema is not OpenApiSchema inline) return schema;
        IOpenApiSchema Strip(IOpenApiSchema child) => WithoutReadOnly(child, renamed, document);
        var copy = (OpenApiSchema)inline.CreateShallowCopy();
        copy.Items = inline.Items is null ? null : Strip(inline.Items);
        copy.AdditionalProperties = inline.AdditionalProperties is null ? null : Strip(inline.AdditionalProperties);
        copy.AllOf = inline.AllOf?.Select(Strip).ToList();
        copy.AnyOf = inline.AnyOf?.Select(Strip).ToList();
        copy.OneOf = inline.OneOf?.Select(Strip).ToList();
        if (inline.Properties is { } properties)
        {
            var kept = properties.Where(p => p.Value is not OpenApiSchema { ReadOnly: true }).ToList();
            copy.Properties = kept.ToDictionary(p => p.Key, p => Strip(p.Value));
            copy.Required = inline.Required?.Where(name => kept.Any(p => p.Key == name)).ToHashSet();
        }
        return copy;
    }
}
