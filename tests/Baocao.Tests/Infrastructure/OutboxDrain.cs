using Azure.Storage.Queues;
using Baocao.Workflow;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Infrastructure;

public static class OutboxDrain
{
    /// <summary>What the Functions queue trigger does until the outbox queue is empty: receive, dispatch, delete.</summary>
    public static async Task DrainAsync(WebApplicationFactory<Baocao.LocalHost.LocalFunctionsHost> factory, QueueClient queue, CancellationToken ct)
    {
        var dispatcher = factory.Services.GetRequiredService<OutboxDispatcher>();
        var workflow = await factory.Services.GetRequiredService<Baocao.LocalHost.Durable.LocalDurableEngine>().ClientAsync(ct);
        await DrainAsync(queue, message => dispatcher.DispatchAsync(message, workflow, ct), ct);
    }

    /// <summary>Receives every message until the queue is empty, hands each to <paramref name="deliver"/>, and deletes it once delivered.</summary>
    public static async Task DrainAsync(QueueClient queue, Func<string, Task> deliver, CancellationToken ct)
    {
        for (var messages = (await queue.ReceiveMessagesAsync(32, cancellationToken: ct)).Value; messages.Length > 0;
             messages = (await queue.ReceiveMessagesAsync(32, cancellationToken: ct)).Value)
        {
            foreach (var m in messages)
            {
                await deliver(m.MessageText);
                await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, ct);
            }
        }
    }
}
