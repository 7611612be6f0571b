using Baocao.Hosting;
using Baocao.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Hosting;

public sealed class ReceiveBufferTests
{
    /// <summary>
    /// Built as the Functions host runs it (<see cref="WebApplication.CreateBuilder()"/>, then the app's services),
    /// Kestrel takes its memory pool from the app, whose blocks are 64 KiB, not from its own pool of 4 KiB blocks.
    /// </summary>
    [Fact]
    public void Kestrel_reads_into_the_apps_64_KiB_blocks()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = Path.Combine(Repository.Root, "functions"),
            EnvironmentName = "Testing",
        });
        builder.AddBaocaoHosting();
        using var app = builder.Build();

        using var pool = app.Services.GetRequiredService<IMemoryPoolFactory<byte>>().Create(new MemoryPoolOptions { Owner = "kestrel" });
        using var block = pool.Rent(4096);
        Assert.Equal(ReceiveBuffers.BlockSize, block.Memory.Length);
        Assert.Equal(ReceiveBuffers.BlockSize, pool.MaxBufferSize);
    }

    /// <summary>A block disposed twice goes back to the pool once, so two reads never share it.</summary>
    [Fact]
    public void A_block_returned_twice_is_lent_to_one_reader()
    {
        using var pool = new ServiceCollection().AddLargeReceiveBuffers().BuildServiceProvider()
            .GetRequiredService<IMemoryPoolFactory<byte>>().Create();
        var returned = pool.Rent();
        returned.Dispose();
        returned.Dispose();

        using var first = pool.Rent();
        using var second = pool.Rent();
        Assert.False(first.Memory.Span.Overlaps(second.Memory.Span));
        Assert.True(first.Memory.Span.Overlaps(returned.Memory.Span) || second.Memory.Span.Overlaps(returned.Memory.Span), "the returned block is lent again");
    }
}
