using Baocao.Hosting;
using Baocao.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Baocao.Tests.Hosting;

public sealed class SettingsTests(TestApp app) : IClassFixture<TestApp>
{
    private static readonly string[] OwnPrefixes = ["Baocao", "Mail", "Submissions", "Workflow", "Review", "Reminders", "Storage", "AzureWebJobsStorage", "FUNCTIONS_"];

    [Fact]
    public async Task Every_setting_the_app_reads_is_in_the_sample_with_a_value()
    {
        var recorder = new RecordingSource();
        await using var factory = app.Factory.WithWebHostBuilder(web => web.ConfigureAppConfiguration((_, config) => config.Add(recorder)));
        using var client = factory.CreateClient();
        await client.GetAsync("/api/health", TestContext.Current.CancellationToken);
        _ = factory.Services.GetRequiredService<IOptions<BaocaoOptions>>().Value;
        _ = factory.Services.GetRequiredService<IOptions<Baocao.Mail.MailOptions>>().Value;
        _ = factory.Services.GetRequiredService<IOptions<Baocao.Submissions.AttachmentLimits>>().Value;
        _ = factory.Services.GetRequiredService<IOptions<Baocao.Review.ReviewOptions>>().Value;
        _ = factory.Services.GetRequiredService<IOptions<Baocao.Reminders.ReminderOptions>>().Value;
        _ = factory.Services.GetRequiredService<IOptions<Baocao.Storage.StorageOptions>>().Value;

        var sample = Baocao.LocalHost.LocalSettings.ReadValues(Path.Combine(Repository.Root, Baocao.LocalHost.LocalSettings.SampleFile));
        // A section read as a whole (such as "Baocao" before binding its children) is not a setting of its own.
        var read = recorder.Keys
            .Where(k => OwnPrefixes.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            .Where(k => !sample.ContainsKey(k) ? !sample.Keys.Any(s => s.StartsWith(k + ":", StringComparison.OrdinalIgnoreCase)) : true)
            .ToList();
        Assert.NotEmpty(read);
        Assert.Contains("Baocao:AdminKey", read, StringComparer.OrdinalIgnoreCase);
        foreach (var key in read)
        {
            Assert.True(sample.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value), $"local.settings.sample.json lacks {key}");
        }
    }

    [Fact]
    public void The_sample_defaults_pass_validation()
    {
        var sample = Baocao.LocalHost.LocalSettings.ReadValues(Path.Combine(Repository.Root, Baocao.LocalHost.LocalSettings.SampleFile));
        var options = new ConfigurationBuilder().AddInMemoryCollection(sample!).Build().GetSection(BaocaoOptions.Section).Get<BaocaoOptions>()!;
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        Assert.True(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true),
            string.Join("; ", results.Select(r => r.ErrorMessage)));
        Assert.Equal("UseDevelopmentStorage=true", sample["AzureWebJobsStorage"]);
    }

    [Fact]
    public void A_missing_admin_key_stops_the_app_at_start_with_a_clear_message()
    {
        var error = StartFailure(new Dictionary<string, string?> { ["Baocao:AdminKey"] = "" });
        Assert.Contains("AdminKey", Flatten(error));
    }

    [Fact]
    public void An_unknown_time_zone_stops_the_app_at_start_with_a_clear_message()
    {
        var error = StartFailure(new Dictionary<string, string?> { ["Baocao:TimeZone"] = "Asia/Atlantis" });
        Assert.Contains("Baocao:TimeZone", Flatten(error));
    }

    /// <summary>
    /// Why the app refused to start. WebApplicationFactory's deferred host sometimes reads the app's services after
    /// the failed start disposed them, and throws ObjectDisposedException instead of the app's reason (seen under load);
    /// that race is the test harness's, so a fresh factory tries again.
    /// </summary>
    private Exception StartFailure(IReadOnlyDictionary<string, string?> settings)
    {
        for (var attempt = 1; ; attempt++)
        {
            var factory = app.CreateFactory(app.Azurite.ConnectionString, settings);
            var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
            if (error is not ObjectDisposedException || attempt == 3) return error;
        }
    }

    private static string Flatten(Exception error) => error is AggregateException aggregate
        ? string.Join(" | ", aggregate.Flatten().InnerExceptions.Select(e => e.Message))
        : error.Message + (error.InnerException is null ? "" : " | " + Flatten(error.InnerException));

    /// <summary>A configuration source that holds nothing and notes every key asked of it.</summary>
    private sealed class RecordingSource : IConfigurationSource, IConfigurationProvider
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _keys = new(StringComparer.OrdinalIgnoreCase);

        public IEnumerable<string> Keys => _keys.Keys;

        public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

        public bool TryGet(string key, out string? value)
        {
            _keys.TryAdd(key, 0);
            value = null;
            return false;
        }

        public void Set(string key, string? value) { }

        public Microsoft.Extensions.Primitives.IChangeToken GetReloadToken() => new Microsoft.Extensions.Primitives.CancellationChangeToken(CancellationToken.None);

        public void Load() { }

        public IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) => earlierKeys;
    }
}
