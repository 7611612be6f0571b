using Azure.Storage.Queues;
using Baocao.Workflow;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Infrastructure;

public static class OutboxDrain
{
    /// <summary>Hands every message of the outbox queue to the app's dispatcher, as the queue trigger would, until the queue is empty.</summary>
    public static async Task DispatchAllAsync(WebApplicationFactory<Program> factory, QueueClient queue, CancellationToken ct)
    {
        var dispatcher = factory.Services.GetRequiredService<OutboxDispatcher>();
        for (var messages = (await queue.ReceiveMessagesAsync(32, cancellationToken: ct)).Value; messages.Length > 0;
             messages = (await queue.ReceiveMessagesAsync(32, cancellationToken: ct)).Value)
        {
            foreach (var m in messages)
            {
                await dispatcher.DispatchAsync(m.MessageText, ct);
                await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, ct);
            }
        }
    }
}
