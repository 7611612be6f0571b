using Baocao.Storage;
using Microsoft.Extensions.Configuration;

namespace Baocao.Tests.Storage;

public sealed class StorageConnectionTests
{
    private static StorageConnection From(params (string Key, string Value)[] settings) =>
        StorageConnection.From(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    [Fact]
    public void A_connection_string_is_used_as_it_is()
    {
        var connection = From(("AzureWebJobsStorage", "UseDevelopmentStorage=true"));
        Assert.True(connection.IsDevelopmentStorage);
        Assert.Null(connection.Credential);
    }

    [Fact]
    public void The_identity_form_builds_service_endpoints_from_the_account_name()
    {
        var connection = From(("AzureWebJobsStorage:accountName", "baocaoanhoa"));
        Assert.Null(connection.ConnectionString);
        Assert.Equal(new Uri("https://baocaoanhoa.blob.core.windows.net"), connection.BlobUri);
        Assert.Equal(new Uri("https://baocaoanhoa.queue.core.windows.net"), connection.QueueUri);
        Assert.Equal(new Uri("https://baocaoanhoa.table.core.windows.net"), connection.TableUri);
        Assert.NotNull(connection.Credential);
    }

    [Fact]
    public void Explicit_service_uris_win_over_the_account_name()
    {
        var connection = From(("AzureWebJobsStorage:accountName", "baocaoanhoa"), ("AzureWebJobsStorage:tableServiceUri", "https://tables.example/"));
        Assert.Equal(new Uri("https://tables.example/"), connection.TableUri);
        Assert.Equal(new Uri("https://baocaoanhoa.blob.core.windows.net"), connection.BlobUri);
    }

    [Fact]
    public void No_storage_setting_is_a_clear_start_up_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => From());
        Assert.Contains("AzureWebJobsStorage", error.Message);
    }
}
