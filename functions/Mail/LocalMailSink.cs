using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Baocao.Hosting;

namespace Baocao.Mail;

/// <summary>A mail as the local sink received it, in SendGrid's terms.</summary>
public sealed record CapturedMail(
    string Id,
    DateTimeOffset ReceivedAt,
    string From,
    IReadOnlyList<string> To,
    string Subject,
    string? Text,
    string? Html,
    IReadOnlyList<string> Categories,
    IReadOnlyDictionary<string, string> CustomArgs);

/// <summary>
/// Keeps what the SendGrid client sends to <c>/v3/mail/send</c> locally, in memory, newest last, so a developer
/// (or a test) can read a mail and follow its links exactly as the recipient would.
/// </summary>
public sealed class LocalMailbox(TimeProvider clock)
{
    private const int Capacity = 2_000;
    private readonly ConcurrentQueue<CapturedMail> _mails = new();

    public IReadOnlyList<CapturedMail> All => _mails.ToArray();

    /// <summary>Reads SendGrid's v3 mail/send body; one captured mail per personalization, as SendGrid would deliver.</summary>
    public IReadOnlyList<CapturedMail> Accept(JsonObject body)
    {
        var from = body["from"]?["email"]?.GetValue<string>() ?? "";
        var subject = body["subject"]?.GetValue<string>() ?? "";
        var contents = body["content"]?.AsArray() ?? [];
        string? Part(string type) => contents.FirstOrDefault(c => c?["type"]?.GetValue<string>() == type)?["value"]?.GetValue<string>();
        var categories = body["categories"]?.AsArray().Select(c => c!.GetValue<string>()).ToList() ?? [];
        var sharedArgs = body["custom_args"]?.AsObject().ToDictionary(a => a.Key, a => a.Value?.ToString() ?? "") ?? [];
        var accepted = new List<CapturedMail>();
        foreach (var personalization in body["personalizations"]?.AsArray() ?? [])
        {
            var to = personalization?["to"]?.AsArray().Select(t => t!["email"]!.GetValue<string>()).ToList() ?? [];
            // Custom args may sit on the message and on each personalization; the personalization's win, as in SendGrid.
            var args = new Dictionary<string, string>(sharedArgs);
            foreach (var (key, value) in personalization?["custom_args"]?.AsObject() ?? []) args[key] = value?.ToString() ?? "";
            var mail = new CapturedMail(Guid.NewGuid().ToString("n"), clock.GetUtcNow(), from, to,
                personalization?["subject"]?.GetValue<string>() ?? subject, Part("text/plain"), Part("text/html"), categories, args);
            _mails.Enqueue(mail);
            accepted.Add(mail);
        }
        while (_mails.Count > Capacity) _mails.TryDequeue(out _);
        return accepted;
    }
}

public static class LocalMailSinkApi
{
    public static IEndpointRouteBuilder MapLocalMailSink(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v3/mail/send", Send).ExcludeFromDescription();
        var dev = app.MapGroup("/api/dev/mail").WithTags("Chỉ khi chạy trên máy").WithMetadata(new LocalOnlyMetadata());
        dev.MapGet("/", (LocalMailbox mailbox) => TypedResults.Ok(mailbox.All))
            .WithName("ListCapturedMail").WithSummary("Thư đã gửi qua hộp thư nội bộ (JSON)");
        dev.MapGet("/view", (LocalMailbox mailbox) => TypedResults.Content(MailPage.Render(mailbox.All), "text/html; charset=utf-8"))
            .WithName("ViewCapturedMail").WithSummary("Trang đọc thư của hộp thư nội bộ").ExcludeFromDescription();
        return app;
    }

    /// <summary>Answers as SendGrid does: 401 without a bearer key, 400 for a body it cannot read, 202 when accepted.</summary>
    private static async Task<IResult> Send(HttpRequest request, LocalMailbox mailbox, CancellationToken ct)
    {
        if (!request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return Problems.Unauthorized("Thiếu khoá SendGrid.");
        }
        JsonObject? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonObject>(request.Body, cancellationToken: ct);
        }
        catch (JsonException)
        {
            body = null;
        }
        if (body?["personalizations"] is not JsonArray { Count: > 0 })
        {
            return Problems.Malformed(new FieldError("/personalizations", "invalid-mail", "Thư không có người nhận."));
        }
        mailbox.Accept(body);
        return TypedResults.Accepted((string?)null);
    }
}
