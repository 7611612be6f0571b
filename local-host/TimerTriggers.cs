using Baocao.Hosting;
using Microsoft.Azure.Functions.Worker;
using NCrontab;

namespace Baocao.LocalHost;

/// <summary>
/// Fires each timer function on its NCRONTAB schedule (six fields, with seconds; <c>%Setting%</c> resolved), in UTC as
/// the host does without WEBSITE_TIME_ZONE. A failed run is logged and the next one comes. Unlike the host, nothing
/// is kept between runs of the local host (no schedule monitor), so an occurrence missed while it was down is not
/// caught up: what the workflow owes is in storage, and the next run sweeps it.
/// </summary>
internal sealed partial class TimerTriggers(FunctionCatalog catalog, FunctionInvoker invoker, IServiceScopeFactory scopes,
    IConfiguration configuration, TimeProvider clock, ILogger<TimerTriggers> logger) : BackgroundService
{
    /// <summary>Runs the timer function <paramref name="functionName"/> once now, as its schedule would; a failure is thrown.</summary>
    public Task FireNowAsync(string functionName, CancellationToken cancellationToken) =>
        InvokeAsync(catalog.Functions.Single(f => f.Name == functionName), last: null, cancellationToken);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(catalog.Functions.Where(f => f.Trigger is TimerFunctionTrigger && !configuration.IsDisabled(f))
            .Select(f => RunAsync(f, (TimerFunctionTrigger)f.Trigger, stoppingToken)));

    private async Task RunAsync(FunctionDescriptor function, TimerFunctionTrigger trigger, CancellationToken stoppingToken)
    {
        var schedule = ScheduleOf(trigger);
        DateTime? last = null;
        if (trigger.RunOnStartup) await FireAsync(function, null, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var next = schedule.GetNextOccurrence(now);
            try
            {
                await Task.Delay(next - now, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await FireAsync(function, last, stoppingToken);
            last = next;
        }
    }

    private async Task FireAsync(FunctionDescriptor function, DateTime? last, CancellationToken stoppingToken)
    {
        try
        {
            await InvokeAsync(function, last, stoppingToken);
        }
        catch (Exception error) when (!stoppingToken.IsCancellationRequested)
        {
            LogFailed(logger, function.Name, error);
        }
    }

    private async Task InvokeAsync(FunctionDescriptor function, DateTime? last, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var trigger = (TimerFunctionTrigger)function.Trigger;
        var next = ScheduleOf(trigger).GetNextOccurrence(now);
        var timer = new TimerInfo { IsPastDue = false, ScheduleStatus = new ScheduleStatus { Last = last ?? DateTime.MinValue, Next = next, LastUpdated = now } };
        await using var scope = scopes.CreateAsyncScope();
        await invoker.InvokeAsync(function, scope.ServiceProvider, timer, new Dictionary<string, object?>(), cancellationToken);
    }

    private CrontabSchedule ScheduleOf(TimerFunctionTrigger trigger)
    {
        var expression = configuration.Resolve(trigger.Schedule);
        var withSeconds = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6;
        return CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = withSeconds });
    }

    [LoggerMessage(LogLevel.Warning, "Timer function {FunctionName} failed; it runs again at its next occurrence")]
    private static partial void LogFailed(ILogger logger, string functionName, Exception error);
}
