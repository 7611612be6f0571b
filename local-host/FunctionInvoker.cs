using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Baocao.Hosting;

namespace Baocao.LocalHost;

/// <summary>
/// Calls a function method as the worker does: its class made per invocation from the invocation's services, the
/// trigger value in the trigger parameter, binding data (route values, or a queue message's metadata) by parameter
/// name, a <see cref="CancellationToken"/>, the durable engine's client in a <c>[DurableClient]</c> parameter, the body
/// the pipeline read in a <c>[JsonBody]</c> parameter, and nothing else (a parameter left unbound gets its default or null).
/// </summary>
internal sealed class FunctionInvoker
{
    public Task<object?> InvokeHttpAsync(FunctionDescriptor function, HttpContext http)
    {
        var bindingData = http.Request.RouteValues.ToDictionary(v => v.Key, v => v.Value, StringComparer.OrdinalIgnoreCase);
        var body = function.BodyParameter is null ? null : JsonBodyBinding.ValueOf(http);
        return InvokeAsync(function, http.RequestServices, http.Request, bindingData, http.RequestAborted, body);
    }

    public async Task<object?> InvokeAsync(FunctionDescriptor function, IServiceProvider services, object? trigger,
        IReadOnlyDictionary<string, object?> bindingData, CancellationToken cancellationToken, object? body = null)
    {
        var method = function.Method;
        var client = function.DurableClientParameter is { } clientParameter
            ? (clientParameter.Position, Value: await services.GetRequiredService<Durable.LocalDurableEngine>().ClientAsync(cancellationToken))
            : (Position: -1, Value: (Microsoft.DurableTask.Client.DurableTaskClient?)null);
        var instance = method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, method.DeclaringType!);
        // By position: GetParameters may hand out other ParameterInfo objects for the same parameter (the runtime's cache is
        // filled lazily, and two threads can each fill it), so reference equality once left a trigger unbound.
        var arguments = method.GetParameters().Select(parameter => parameter.Position == function.TriggerParameter.Position ? trigger
            : parameter.Position == client.Position ? client.Value
            : parameter.Position == function.BodyParameter?.Position ? body
            : parameter.ParameterType == typeof(CancellationToken) ? cancellationToken
            : bindingData.TryGetValue(parameter.Name!, out var value) && value is not null ? Convert(value, parameter)
            : parameter.HasDefaultValue ? parameter.DefaultValue
            : parameter.ParameterType.IsValueType && Nullable.GetUnderlyingType(parameter.ParameterType) is null
                ? throw new InvalidOperationException($"Could not populate the value for '{parameter.Name}' parameter of {function.Name}.")
                : null).ToArray();
        try
        {
            return await ResultOf(method.Invoke(instance, arguments), method.ReturnType);
        }
        catch (TargetInvocationException error) when (error.InnerException is { } inner)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
            throw;
        }
        finally
        {
            if (instance is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
            else if (instance is IDisposable disposable) disposable.Dispose();
        }
    }

    private static object? Convert(object value, ParameterInfo parameter)
    {
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        if (type.IsInstanceOfType(value)) return value;
        return TypeDescriptor.GetConverter(type).ConvertFromString(null, CultureInfo.InvariantCulture, value.ToString()!);
    }

    private static async Task<object?> ResultOf(object? returned, Type declared)
    {
        switch (returned)
        {
            case Task task:
                await task;
                // Declared, not run-time, type: an async Task method returns a Task<VoidTaskResult>.
                return declared.IsGenericType ? declared.GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
            case ValueTask valueTask:
                await valueTask;
                return null;
            case { } value when value.GetType().IsGenericType && value.GetType().GetGenericTypeDefinition() == typeof(ValueTask<>):
                return await (Task<object?>)typeof(FunctionInvoker).GetMethod(nameof(AwaitValueTask), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(value.GetType().GetGenericArguments()[0]).Invoke(null, [value])!;
            default:
                return returned;
        }
    }

    private static async Task<object?> AwaitValueTask<T>(ValueTask<T> task) => await task;
}
