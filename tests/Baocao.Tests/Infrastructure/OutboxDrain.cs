using Azure.Storage.Queues;
using Baocao.Workflow;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Infrastructure;

public static class OutboxDrain
{
    /// <summary>What the Functions queue trigger does until the outbox queue is empty: receive, dispatch, delete.</summary>
    public static async Task DrainAsync(WebApplicationFactory<Program> factory, QueueClient queue, CancellationToken ct)
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
