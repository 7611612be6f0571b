using System.Collections.Concurrent;
using System.Net;
using Baocao.Tests.Infrastructure;
using Baocao.Tests.Review;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Baocao.Tests.Reliability;

/// <summary>Every log line the app writes, at every level from Information up, kept for a test to read.</summary>
public sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{category} {formatter(state, exception)} {fields} {exception}");
        }
    }
}

/// <summary>The demo app with every log line captured, Microsoft's own included.</summary>
public sealed class LoggedApp : TestApp
{
    public LogCapture Logs { get; } = new();

    protected override bool SeedDemoData => true;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information",
    };

    protected override void AddServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);
}

public sealed class SecretsInLogsTests(LoggedApp app) : IClassFixture<LoggedApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_whole_story_logs_no_key_secret_or_link_token()
    {
        var desk = new ReviewDesk(app);
        var unit = await Submitter.IssueAsync(app, "HU-DONGSON");
        var key = unit.Client.DefaultRequestHeaders.GetValues("X-Api-Key").Single();
        await (await Submitter.WithKey(app, "bc_000000000000_" + new string('x', 43)).GetAsync("/api/periods", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Created, (await unit.SubmitAsync(Submitter.Form(files: ("bao-cao.pdf", Submitter.Pdf(2048))), idempotencyKey: Guid.NewGuid().ToString())).StatusCode);
        await desk.DeliverAsync("2026-H1~HU-DONGSON");
        var link = ReviewDesk.LinkIn((await desk.MailsToAsync(ReviewDesk.Reviewer, "2026-H1~HU-DONGSON")).Last());
        var (status, _) = await desk.DecideAsync(link, ("decision", "approve"));
        Assert.Equal(HttpStatusCode.OK, status);

        var configuration = app.Factory.Services.GetRequiredService<IConfiguration>();
        var secrets = new Dictionary<string, string>
        {
            ["the unit key"] = key,
            ["the unit key's secret"] = key.Split('_', 3)[2],
            ["the admin key"] = TestApp.AdminKey,
            ["the link token"] = link[(link.LastIndexOf('/') + 1)..],
            ["the link's signature"] = link[(link.LastIndexOf('.') + 1)..],
            ["the SendGrid key"] = configuration["Mail:SendGridApiKey"]!,
        };
        foreach (var signing in configuration.GetSection("Review:SigningKeys").GetChildren()) secrets[$"review key {signing.Key}"] = signing.Value!;
        Assert.NotEmpty(app.Logs.Lines);
        var leaks = (from line in app.Logs.Lines from secret in secrets where line.Contains(secret.Value, StringComparison.Ordinal) select $"{secret.Key}: {line}").ToList();
        Assert.True(leaks.Count == 0, "Secrets in the logs:\n" + string.Join('\n', leaks.Distinct().Take(10)));
    }
}
