using System.Text.Json.Nodes;
using Baocao.Storage;

namespace Baocao.Hosting;

/// <summary>The trigger binding of a non-HTTP function, as it appears in function.json.</summary>
public abstract record TriggerBinding(string Name)
{
    public abstract JsonObject ToJson();
}

/// <summary>
/// A timer trigger whose NCRONTAB schedule is read by the host from the app setting <paramref name="ScheduleSetting"/>
/// (written as <c>%Setting%</c>), so each environment sets its own pace without a new build.
/// </summary>
public sealed record TimerBinding(string ScheduleSetting) : TriggerBinding("timer")
{
    public override JsonObject ToJson() => new()
    {
        ["type"] = "timerTrigger",
        ["direction"] = "in",
        ["name"] = Name,
        ["schedule"] = $"%{ScheduleSetting}%",
        // Schedule monitoring keeps the timer's last and next run in storage, so a restart does not skip a sweep.
        ["useMonitor"] = true,
        ["runOnStartup"] = false,
    };
}

/// <summary>A queue trigger on <paramref name="Queue"/>, reached through the storage connection of the app itself.</summary>
public sealed record QueueBinding(string Queue, string Connection = StorageConnection.Setting) : TriggerBinding("message")
{
    public override JsonObject ToJson() => new()
    {
        ["type"] = "queueTrigger",
        ["direction"] = "in",
        ["name"] = Name,
        ["queueName"] = Queue,
        ["connection"] = Connection,
    };
}

/// <summary>What the host passed with a timer invocation (see FUNCTIONS-HOST.md).</summary>
public sealed record TimerInfo(bool IsPastDue, DateTimeOffset? Last, DateTimeOffset? Next);

/// <summary>
/// A timer or queue function: declared once, in code, by the feature that owns its handler; the host POSTs its
/// invocations to <c>/{Name}</c>. <see cref="Invoke"/> gets the decoded trigger value (a <see cref="TimerInfo"/> or the
/// queue message text) and returns what becomes the invocation's <c>ReturnValue</c>.
/// </summary>
public sealed record TriggerFunction(string Name, TriggerBinding Trigger, Func<IServiceProvider, object, CancellationToken, Task<object?>> Invoke) : IHostFunction
{
    public JsonObject FunctionJson() => new() { ["bindings"] = new JsonArray(Trigger.ToJson()) };
}

/// <summary>App settings that trigger bindings read through the host (<c>%Setting%</c>); flat names, which every host resolves.</summary>
public static class TriggerSettings
{
    /// <summary>NCRONTAB (with seconds) of the workflow's timer sweep: reminders, deadlines, escalations.</summary>
    public const string TimerSweepSchedule = "Baocao_TimerSweepSchedule";
}

/// <summary>
/// One line per trigger function, in the feature that owns the handler; the handler is resolved from DI per call.
/// Typed lambda parameters let the compiler infer everything:
/// <c>services.AddQueueFunction("OutboxDispatch", StorageNames.OutboxQueue, (OutboxDispatcher d, string message, CancellationToken ct) => d.DispatchAsync(message, ct));</c>
/// </summary>
public static class TriggerFunctionRegistration
{
    /// <summary>A timer function on the schedule in the app setting <paramref name="scheduleSetting"/>; its result becomes the ReturnValue.</summary>
    public static IServiceCollection AddTimerFunction<THandler, TResult>(this IServiceCollection services, string name, string scheduleSetting,
        Func<THandler, CancellationToken, Task<TResult>> handler) where THandler : notnull =>
        services.AddSingleton(new TriggerFunction(name, new TimerBinding(scheduleSetting),
            async (provider, _, ct) => await handler(provider.GetRequiredService<THandler>(), ct)));

    /// <summary>A timer function on the schedule in the app setting <paramref name="scheduleSetting"/>.</summary>
    public static IServiceCollection AddTimerFunction<THandler>(this IServiceCollection services, string name, string scheduleSetting,
        Func<THandler, CancellationToken, Task> handler) where THandler : notnull =>
        services.AddSingleton(new TriggerFunction(name, new TimerBinding(scheduleSetting),
            async (provider, _, ct) => { await handler(provider.GetRequiredService<THandler>(), ct); return null; }));

    /// <summary>
    /// A queue function called with each message's text. A handler that throws fails the invocation, so the host
    /// retries the message and moves it to <c>{queue}-poison</c> after <c>maxDequeueCount</c> attempts.
    /// </summary>
    public static IServiceCollection AddQueueFunction<THandler>(this IServiceCollection services, string name, string queue,
        Func<THandler, string, CancellationToken, Task> handler) where THandler : notnull =>
        services.AddSingleton(new TriggerFunction(name, new QueueBinding(queue),
            async (provider, message, ct) => { await handler(provider.GetRequiredService<THandler>(), (string)message, ct); return null; }));

    /// <summary>A queue function whose result becomes the ReturnValue.</summary>
    public static IServiceCollection AddQueueFunction<THandler, TResult>(this IServiceCollection services, string name, string queue,
        Func<THandler, string, CancellationToken, Task<TResult>> handler) where THandler : notnull =>
        services.AddSingleton(new TriggerFunction(name, new QueueBinding(queue),
            async (provider, message, ct) => await handler(provider.GetRequiredService<THandler>(), (string)message, ct)));
}
