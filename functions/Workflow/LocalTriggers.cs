using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Baocao.Storage;
using Microsoft.Extensions.Options;

namespace Baocao.Workflow;

/// <summary>
/// Locally, the queue trigger's part: reads the <c>outbox</c> queue and hands each message to the same
/// <see cref="OutboxDispatcher"/> the Functions host calls. Polls back off while the queue is idle or storage fails;
/// a failed message comes back after a doubling delay and goes to <c>outbox-poison</c> after
/// <see cref="WorkflowOptions.MaxDequeueCount"/> tries, as the Functions queue trigger does.
/// </summary>
public sealed partial class OutboxQueueLoop(
    QueueServiceClient queues,
    IServiceScopeFactory scopes,
    StorageReadiness readiness,
    IOptions<WorkflowOptions> options,
    TimeProvider clock,
    ILogger<OutboxQueueLoop> logger) : BackgroundService
{
    private static readonly TimeSpan MinIdleDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Invisible = TimeSpan.FromMinutes(1);

    private readonly QueueClient _queue = queues.GetQueueClient(StorageNames.OutboxQueue);
    private readonly QueueClient _poison = queues.GetQueueClient(StorageNames.OutboxPoisonQueue);

    /// <summary>Receives one round of messages and dispatches them; returns how many it received.</summary>
    public async Task<int> ReceiveOnceAsync(CancellationToken cancellationToken)
    {
        QueueMessage[] messages = await _queue.ReceiveMessagesAsync(16, Invisible, cancellationToken);
        // Resolved per round, as the host resolves per invocation: receivers (the SendGrid client) are transient.
        using var scope = scopes.CreateScope();
        var dispatcher = scope.ServiceProvider.GetRequiredService<OutboxDispatcher>();
        foreach (var message in messages)
        {
            try
            {
                await dispatcher.DispatchAsync(message.MessageText, cancellationToken);
                await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                await RetryOrPoisonAsync(message, error, cancellationToken);
            }
        }
        return messages.Length;
    }

    private async Task RetryOrPoisonAsync(QueueMessage message, Exception error, CancellationToken cancellationToken)
    {
        if (message.DequeueCount >= options.Value.MaxDequeueCount)
        {
            await _poison.SendMessageAsync(message.MessageText, cancellationToken);
            await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            LogPoisoned(logger, message.MessageId, message.DequeueCount, error);
            return;
        }
        var delay = options.Value.RetryDelay * Math.Pow(2, message.DequeueCount - 1);
        await _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: delay, cancellationToken: cancellationToken);
        LogRetrying(logger, message.MessageId, message.DequeueCount, delay, error.Message);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.LocalTriggersRunHere()) return;
        await readiness.Ready.WaitAsync(stoppingToken);
        var idle = MinIdleDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            var received = 0;
            try
            {
                received = await ReceiveOnceAsync(stoppingToken);
            }
            // As under the Functions host, a failed invocation is logged and the next one comes: storage that is away or
            // never answers, or anything else, never ends the loop (a loop that threw would stop the whole app).
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                LogPollFailed(logger, error);
            }
            if (received > 0)
            {
                idle = MinIdleDelay;
                continue;
            }
            await Task.Delay(idle, clock, stoppingToken);
            idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, options.Value.MaxIdleDelay.Ticks));
        }
    }

    [LoggerMessage(LogLevel.Warning, "Outbox message {MessageId} failed (try {DequeueCount}); retrying in {Delay}: {Reason}")]
    private static partial void LogRetrying(ILogger logger, string messageId, long dequeueCount, TimeSpan delay, string reason);

    [LoggerMessage(LogLevel.Error, "Outbox message {MessageId} failed {DequeueCount} times; moved to the poison queue")]
    private static partial void LogPoisoned(ILogger logger, string messageId, long dequeueCount, Exception error);

    [LoggerMessage(LogLevel.Warning, "Polling the outbox queue failed; polling again after a pause")]
    private static partial void LogPollFailed(ILogger logger, Exception error);
}

/// <summary>Locally, the timer trigger's part: one <see cref="TimerSweeper.SweepAsync"/> every <see cref="WorkflowOptions.SweepInterval"/>.</summary>
public sealed partial class TimerSweepLoop(IServiceScopeFactory scopes, StorageReadiness readiness, IOptions<WorkflowOptions> options, TimeProvider clock, ILogger<TimerSweepLoop> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.LocalTriggersRunHere()) return;
        await readiness.Ready.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var scope = scopes.CreateScope();
                await scope.ServiceProvider.GetRequiredService<TimerSweeper>().SweepAsync(stoppingToken);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                LogSweepFailed(logger, error);
            }
            await Task.Delay(options.Value.SweepInterval, clock, stoppingToken);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Timer sweep failed; trying again at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception error);
}
