using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Baocao.Hosting;

namespace Baocao.LocalHost;

/// <summary>
/// Polls the queue of each queue function as the host's queue listener does, with host.json's settings: batches of
/// <c>batchSize</c> run side by side; a message whose function succeeded is deleted; one that failed comes back after
/// <c>visibilityTimeout</c> and, on its <c>maxDequeueCount</c>-th failure, moves to <c>{queue}-poison</c>. An empty queue,
/// or storage that fails, backs the polls off towards <c>maxPollingInterval</c>.
/// </summary>
internal sealed partial class QueueTriggers : BackgroundService
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a message being processed stays invisible (the host's default; it renews, this does not).</summary>
    private static readonly TimeSpan Processing = TimeSpan.FromMinutes(10);

    private readonly FunctionCatalog _catalog;
    private readonly FunctionInvoker _invoker;
    private readonly IServiceScopeFactory _scopes;
    private readonly IConfiguration _configuration;
    private readonly QueueSettings _settings;
    private readonly TimeProvider _clock;
    private readonly ILogger<QueueTriggers> _logger;

    public QueueTriggers(FunctionCatalog catalog, FunctionInvoker invoker, IServiceScopeFactory scopes, IConfiguration configuration,
        HostJson hostJson, TimeProvider clock, ILogger<QueueTriggers> logger)
    {
        (_catalog, _invoker, _scopes, _configuration, _settings, _clock, _logger) = (catalog, invoker, scopes, configuration, hostJson.Queues, clock, logger);
    }

    /// <summary>Receives one batch for <paramref name="functionName"/> and runs it; returns how many messages it received.</summary>
    public async Task<int> ReceiveOnceAsync(string functionName, CancellationToken cancellationToken)
    {
        var function = _catalog.Functions.Single(f => f.Name == functionName);
        var (queue, poison) = QueuesOf(function);
        return await ReceiveOnceAsync(function, queue, poison, cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_catalog.Functions.Where(f => f.Trigger is QueueFunctionTrigger && !_configuration.IsDisabled(f))
            .Select(f => PollAsync(f, stoppingToken)));

    private async Task PollAsync(FunctionDescriptor function, CancellationToken stoppingToken)
    {
        var (queue, poison) = QueuesOf(function);
        var idle = MinPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            var received = 0;
            try
            {
                received = await ReceiveOnceAsync(function, queue, poison, stoppingToken);
            }
            // As the host does: a poll that failed (storage away, the queue not made yet) is logged, and polling goes on.
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                LogPollFailed(_logger, function.Name, error.Message);
            }
            if (received > 0)
            {
                idle = MinPollingInterval;
                continue;
            }
            try
            {
                await Task.Delay(idle, _clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, _settings.MaxPollingInterval.Ticks));
        }
    }

    private (QueueClient Queue, QueueClient Poison) QueuesOf(FunctionDescriptor function)
    {
        var trigger = (QueueFunctionTrigger)function.Trigger;
        var connection = _configuration[trigger.Connection] ?? throw new InvalidOperationException($"The connection setting {trigger.Connection} is not set.");
        var name = _configuration.Resolve(trigger.QueueName);
        return (new QueueClient(connection, name), new QueueClient(connection, name + "-poison"));
    }

    private async Task<int> ReceiveOnceAsync(FunctionDescriptor function, QueueClient queue, QueueClient poison, CancellationToken cancellationToken)
    {
        QueueMessage[] messages = await queue.ReceiveMessagesAsync(_settings.BatchSize, Processing, cancellationToken);
        await Task.WhenAll(messages.Select(message => RunAsync(function, queue, poison, message, cancellationToken)));
        return messages.Length;
    }

    private async Task RunAsync(FunctionDescriptor function, QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            await _invoker.InvokeAsync(function, scope.ServiceProvider, TriggerValue(function, message), BindingData(message), cancellationToken);
        }
        catch (Exception error) when (!cancellationToken.IsCancellationRequested)
        {
            await RetryOrPoisonAsync(function, queue, poison, message, error);
            return;
        }
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
    }

    private async Task RetryOrPoisonAsync(FunctionDescriptor function, QueueClient queue, QueueClient poison, QueueMessage message, Exception error)
    {
        if (message.DequeueCount >= _settings.MaxDequeueCount)
        {
            await poison.CreateIfNotExistsAsync();
            await poison.SendMessageAsync(message.Body);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            LogPoisoned(_logger, function.Name, message.MessageId, message.DequeueCount, error);
            return;
        }
        await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: _settings.VisibilityTimeout);
        LogRetrying(_logger, function.Name, message.MessageId, message.DequeueCount, _settings.VisibilityTimeout, error.Message);
    }

    private object TriggerValue(FunctionDescriptor function, QueueMessage message)
    {
        var body = _settings.Base64 ? BinaryData.FromBytes(Convert.FromBase64String(message.Body.ToString())) : message.Body;
        var type = function.TriggerParameter.ParameterType;
        return type == typeof(string) ? body.ToString()
            : type == typeof(byte[]) ? body.ToArray()
            : type == typeof(BinaryData) ? body
            : type == typeof(QueueMessage) ? message
            : throw new InvalidOperationException($"{function.Name}: the local host binds queue messages to string, byte[], BinaryData or QueueMessage.");
    }

    private static Dictionary<string, object?> BindingData(QueueMessage message) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Id"] = message.MessageId,
        ["DequeueCount"] = message.DequeueCount,
        ["PopReceipt"] = message.PopReceipt,
        ["InsertionTime"] = message.InsertedOn,
        ["ExpirationTime"] = message.ExpiresOn,
        ["NextVisibleTime"] = message.NextVisibleOn,
    };

    [LoggerMessage(LogLevel.Warning, "Queue function {FunctionName}: message {MessageId} failed (try {DequeueCount}); it comes back in {Delay}: {Reason}")]
    private static partial void LogRetrying(ILogger logger, string functionName, string messageId, long dequeueCount, TimeSpan delay, string reason);

    [LoggerMessage(LogLevel.Error, "Queue function {FunctionName}: message {MessageId} failed {DequeueCount} times; moved to the poison queue")]
    private static partial void LogPoisoned(ILogger logger, string functionName, string messageId, long dequeueCount, Exception error);

    [LoggerMessage(LogLevel.Warning, "Queue function {FunctionName}: polling failed ({Reason}); polling again after a pause")]
    private static partial void LogPollFailed(ILogger logger, string functionName, string reason);
}
