using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Baocao.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Baocao.Mail;

/// <summary>
/// A mail as the local sink received it, in SendGrid's terms. <see cref="MessageId"/> is the Message-ID header the
/// sender set: two copies of one mail sent twice carry the same one.
/// </summary>
public sealed record CapturedMail(
    string Id,
    DateTimeOffset ReceivedAt,
    string From,
    IReadOnlyList<string> To,
    string Subject,
    string? Text,
    string? Html,
    IReadOnlyList<string> Categories,
    IReadOnlyDictionary<string, string> CustomArgs,
    string? MessageId);

/// <summary>
/// Keeps what the SendGrid client sends to <c>/api/dev/mail/v3/mail/send</c> locally, in memory, newest last, so a developer
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
        var sharedMessageId = body["headers"]?["Message-ID"]?.GetValue<string>();
        var accepted = new List<CapturedMail>();
        foreach (var personalization in body["personalizations"]?.AsArray() ?? [])
        {
            var to = personalization?["to"]?.AsArray().Select(t => t!["email"]!.GetValue<string>()).ToList() ?? [];
            // Custom args may sit on the message and on each personalization; the personalization's win, as in SendGrid.
            var args = new Dictionary<string, string>(sharedArgs);
            foreach (var (key, value) in personalization?["custom_args"]?.AsObject() ?? []) args[key] = value?.ToString() ?? "";
            var mail = new CapturedMail(Guid.NewGuid().ToString("n"), clock.GetUtcNow(), from, to,
                personalization?["subject"]?.GetValue<string>() ?? subject, Part("text/plain"), Part("text/html"), categories, args,
                personalization?["headers"]?["Message-ID"]?.GetValue<string>() ?? sharedMessageId);
            _mails.Enqueue(mail);
            accepted.Add(mail);
        }
        while (_mails.Count > Capacity) _mails.TryDequeue(out _);
        return accepted;
    }
}

/// <summary>
/// An outage to play out in the local sink, for tests and demonstrations: the next <see cref="Count"/> sends are
/// answered with <see cref="Statuses"/> in turn: 429 (with <see cref="RetryAfter"/>) or 5xx at once, and 0 slowly, after
/// <see cref="Delay"/>. A slow answer keeps the mail only if the client is still waiting when it comes, as a server
/// that had not got to the mail yet; with <see cref="AcceptBeforeDelay"/> the mail is kept first and only the answer is
/// late, as a SendGrid that took the mail but answered after the client gave up (which then sends it again).
/// Set through the sink's local-only functions, so never in Azure.
/// </summary>
public sealed record SinkFault(IReadOnlyList<int> Statuses, int Count, TimeSpan? RetryAfter = null, TimeSpan? Delay = null, bool AcceptBeforeDelay = false);

/// <summary>What the sink's fault switch holds now: the fault, and how it answered so far.</summary>
public sealed record SinkFaultState(SinkFault? Fault, int Remaining, IReadOnlyList<int> Answered);

/// <summary>The sink's fault switch: one fault at a time, counted down by each send it answers.</summary>
public sealed class LocalMailFaults
{
    private readonly Lock _gate = new();
    private SinkFault? _fault;
    private int _remaining;
    private readonly List<int> _answered = [];

    public void Set(SinkFault? fault)
    {
        lock (_gate)
        {
            (_fault, _remaining) = (fault, fault?.Count ?? 0);
            _answered.Clear();
        }
    }

    public SinkFaultState State
    {
        get
        {
            lock (_gate) return new SinkFaultState(_fault, _remaining, [.. _answered]);
        }
    }

    /// <summary>The fault this send meets and the status it answers (0: a slow answer), or null.</summary>
    public (SinkFault Fault, int Status)? Take()
    {
        lock (_gate)
        {
            if (_fault is null || _remaining <= 0) return null;
            var status = _fault.Statuses.Count == 0 ? 0 : _fault.Statuses[(_fault.Count - _remaining) % _fault.Statuses.Count];
            _remaining--;
            _answered.Add(status);
            return (_fault, status);
        }
    }
}

/// <summary>
/// The local sink's SendGrid side: the SendGrid client, pointed at <c>/api/dev/mail</c> by <c>Mail__SendGridHost</c>,
/// posts to <c>/api/dev/mail/v3/mail/send</c>. Answers only locally with <c>Mail__UseLocalSink</c>, so never in Azure.
/// </summary>
[LocalOnly("Mail:UseLocalSink")]
public sealed class LocalMailSinkFunctions(LocalMailbox mailbox, LocalMailFaults faults, TimeProvider clock)
{
    /// <summary>Answers as SendGrid does: 401 without a bearer key, 400 for a body it cannot read, 202 when accepted.</summary>
    [Function("LocalMailSinkSend"), ExcludeFromDescription]
    public async Task<IResult> Send(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "dev/mail/v3/mail/send")] HttpRequest req, CancellationToken ct)
    {
        if (!req.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return Problems.Unauthorized("Thiếu khoá SendGrid.");
        }
        var slow = TimeSpan.Zero;
        var acceptFirst = false;
        if (faults.Take() is var (fault, status))
        {
            if (status != 0)
            {
                if (fault.RetryAfter is { } after) req.HttpContext.Response.Headers.RetryAfter = ((int)after.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Problems.Create(status, "sink-fault", "Sự cố giả lập", "Hộp thư nội bộ đang giả lập SendGrid gặp sự cố.");
            }
            (slow, acceptFirst) = (fault.Delay ?? TimeSpan.Zero, fault.AcceptBeforeDelay);
        }
        // A client that gives up while the answer is slow aborts the request: the wait ends, and nothing is kept.
        if (slow > TimeSpan.Zero && !acceptFirst) await Task.Delay(slow, clock, ct);
        JsonObject? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonObject>(req.Body, cancellationToken: ct);
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
        if (acceptFirst) await Task.Delay(slow, clock, ct);
        return TypedResults.Accepted((string?)null);
    }
}

/// <summary>The local mailbox for developers and tests: the mails the sink kept, and its fault switch. Local only, as the sink.</summary>
[Tags("Chỉ khi chạy trên máy"), LocalOnly("Mail:UseLocalSink")]
public sealed class LocalMailboxFunctions(LocalMailbox mailbox, LocalMailFaults faults)
{
    [Function("ListCapturedMail"), EndpointSummary("Thư đã gửi qua hộp thư nội bộ (JSON)")]
    public Ok<IReadOnlyList<CapturedMail>> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dev/mail")] HttpRequest req) =>
        TypedResults.Ok(mailbox.All);

    [Function("ViewCapturedMail"), EndpointSummary("Trang đọc thư của hộp thư nội bộ"), ExcludeFromDescription]
    public IResult View([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dev/mail/view")] HttpRequest req) =>
        MailPage.Render(mailbox.All);

    [Function("GetMailSinkFaults"), EndpointSummary("Sự cố giả lập của hộp thư nội bộ và các lần đã trả lời")]
    public Ok<SinkFaultState> GetFaults([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dev/mail/faults")] HttpRequest req) =>
        TypedResults.Ok(faults.State);

    [Function("SetMailSinkFaults"), EndpointSummary("Giả lập SendGrid gặp sự cố: trả 429/5xx hoặc trả lời chậm cho một số lần gửi")]
    [Accepts(typeof(SinkFault), "application/json")]
    public async Task<Results<Ok<SinkFaultState>, ProblemHttpResult>> SetFaults(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "dev/mail/faults")] HttpRequest req, CancellationToken ct)
    {
        var fault = await JsonBody.ReadAsync<SinkFault>(req, ct);
        if (fault.Problem is { } problem) return problem;
        faults.Set(fault.Value);
        return TypedResults.Ok(faults.State);
    }

    [Function("ClearMailSinkFaults"), EndpointSummary("Tắt sự cố giả lập")]
    public NoContent ClearFaults([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "dev/mail/faults")] HttpRequest req)
    {
        faults.Set(null);
        return TypedResults.NoContent();
    }
}
