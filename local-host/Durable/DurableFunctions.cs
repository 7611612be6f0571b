using System.Reflection;
using Baocao.Hosting;
using DurableTask.Core;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker.Shims;

namespace Baocao.LocalHost.Durable;

/// <summary>
/// The app's orchestrator and activity functions as DurableTask.Core's dispatchers take them: the SDK's own shims
/// (<see cref="DurableTaskShimFactory"/>) around a call of the function method, a fresh shim and service scope for
/// every episode and every activity run, as the Durable extension gives each its own invocation.
/// </summary>
internal sealed class DurableFunctions(FunctionCatalog catalog, FunctionInvoker invoker, IServiceProvider services, ILoggerFactory loggers)
{
    private readonly DurableTaskShimFactory _shims = new(new Microsoft.DurableTask.Worker.DurableTaskWorkerOptions(), loggers);

    public IReadOnlyList<FunctionDescriptor> Orchestrations { get; } = [.. catalog.Functions.Where(f => f.Trigger is OrchestrationFunctionTrigger)];

    public IReadOnlyList<FunctionDescriptor> Activities { get; } = [.. catalog.Functions.Where(f => f.Trigger is ActivityFunctionTrigger)];

    /// <summary>Whether the app has anything for the engine to run or to reach.</summary>
    public bool Any => Orchestrations.Count + Activities.Count > 0 || catalog.Functions.Any(f => f.DurableClientParameter is not null);

    /// <summary>Registers every orchestrator and activity function on <paramref name="worker"/>.</summary>
    public TaskHubWorker AddTo(TaskHubWorker worker) => worker
        .AddTaskOrchestrations([.. Orchestrations.Select(function => new Creator<TaskOrchestration>(function.Name,
            () => _shims.CreateOrchestration(function.Name, new Orchestrator(function, this))))])
        .AddTaskActivities([.. Activities.Select(function => new Creator<TaskActivity>(function.Name,
            () => _shims.CreateActivity(function.Name, new Activity(function, this))))]);

    private async Task<object?> InvokeAsync(FunctionDescriptor function, object? trigger, IReadOnlyDictionary<string, object?> bindingData)
    {
        await using var scope = services.CreateAsyncScope();
        return await invoker.InvokeAsync(function, scope.ServiceProvider, trigger, bindingData, CancellationToken.None);
    }

    /// <summary>What a task method returns, once awaited: <c>Task&lt;T&gt;</c> gives T, <c>Task</c> nothing.</summary>
    private static Type OutputOf(MethodInfo method) =>
        method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() is var open && (open == typeof(Task<>) || open == typeof(ValueTask<>))
            ? method.ReturnType.GetGenericArguments()[0]
            : method.ReturnType == typeof(Task) || method.ReturnType == typeof(ValueTask) || method.ReturnType == typeof(void) ? typeof(object) : method.ReturnType;

    /// <summary>
    /// An orchestrator's input is its one parameter the host does not otherwise bind, as the Durable extension resolves
    /// it; <c>context.GetInput&lt;T&gt;()</c> gives the same value.
    /// </summary>
    private static ParameterInfo? InputOf(FunctionDescriptor function) =>
        function.Method.GetParameters().FirstOrDefault(p => p.Position != function.TriggerParameter.Position
            && p.ParameterType != typeof(CancellationToken) && p.ParameterType != typeof(FunctionContext)
            && p.GetCustomAttribute<DurableClientAttribute>() is null);

    private sealed class Orchestrator(FunctionDescriptor function, DurableFunctions functions) : ITaskOrchestrator
    {
        private readonly ParameterInfo? _input = InputOf(function);

        public Type InputType => _input?.ParameterType ?? typeof(object);

        public Type OutputType => OutputOf(function.Method);

        // Runs on the episode's own scheduler: everything awaited here stays on it, as replay requires.
        public Task<object?> RunAsync(TaskOrchestrationContext context, object? input) =>
            functions.InvokeAsync(function, context, _input is null ? new Dictionary<string, object?>() : new() { [_input.Name!] = input });
    }

    private sealed class Activity(FunctionDescriptor function, DurableFunctions functions) : ITaskActivity
    {
        public Type InputType => function.TriggerParameter.ParameterType;

        public Type OutputType => OutputOf(function.Method);

        public Task<object?> RunAsync(TaskActivityContext context, object? input) =>
            functions.InvokeAsync(function, input, new Dictionary<string, object?>());
    }

    /// <summary>Registered under the function's name and the empty version, which is what a client starts without one.</summary>
    private sealed class Creator<T> : ObjectCreator<T>
    {
        private readonly Func<T> _create;

        public Creator(string name, Func<T> create)
        {
            Name = name;
            Version = string.Empty;
            _create = create;
        }

        public override T Create() => _create();
    }
}
