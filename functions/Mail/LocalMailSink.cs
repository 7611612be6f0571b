using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Baocao.Hosting;
using Baocao.Storage;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Options;
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
/// Keeps what the SendGrid client sends to <c>/api/dev/mail/v3/mail/send</c> locally, in Azurite like everything else, so
/// a developer (or a test) can read a mail and follow its links exactly as the recipient would, across restarts of the
/// app, until Azurite's data is deleted. A row's key is its arrival in ticks, inverted and zero-padded, then the mail's
/// id: the newest row comes first, so reading the <see cref="Capacity"/> newest, or the newest alone, reads nothing more.
/// </summary>
public sealed class LocalMailbox(IAzureClientFactory<TableServiceClient> tables, IAzureClientFactory<BlobServiceClient> blobs,
    IOptions<MailOptions> options, TimeProvider clock) : IStartupTask
{
    public const int Capacity = 2_000;

    /// <summary>
    /// How many mails a process takes between two trims, since a trim reads every key: the table holds fewer than
    /// <see cref="Capacity"/> + this, and a read never shows more than <see cref="Capacity"/>.
    /// </summary>
    private const int TrimEvery = 100;

    /// <summary>
    /// A string property holds 64 KiB of UTF-16, 32,768 characters: a mail whose JSON is longer (an HTML digest of a whole
    /// province, say; the app's mails are a few KB) goes to a blob named by its row.
    /// </summary>
    private const int InlineChars = 32_000;

    /// <summary>
    /// A table transaction holds 100 rows and 4 MiB: counting 6 bytes a character (a JSON escape), the worst there is,
    /// 600,000 characters fit.
    /// </summary>
    private const int RowsPerTransaction = 100, CharsPerTransaction = 600_000;

    /// <summary>Vietnamese stays as it is, readable in a storage browser and a sixth of its escaped size.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    private const string Partition = "mail";

    private TableClient Table => tables.CreateClient(StorageNames.LocalMailClient).GetTableClient(StorageNames.LocalMailTable);
    private BlobContainerClient Container => blobs.CreateClient(StorageNames.LocalMailClient).GetBlobContainerClient(StorageNames.LocalMailContainer);

    private long _lastTicks;

    // The first mail after a start trims what earlier runs left.
    private int _sinceTrim = TrimEvery;

    /// <summary>Only a sink that is on has a table: Azure, where it is off, never gets one.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.UseLocalSink) return;
        await Table.CreateIfNotExistsAsync(cancellationToken);
        await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Moves this process's mail clock past the newest mail kept, one row's read: mails come after those of earlier
    /// runs, and of another app on the same Azurite, even if this clock reads earlier (a test's clock starts anew).
    /// </summary>
    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        await foreach (var newest in Rows(["RowKey"], cancellationToken, perPage: 1))
        {
            NextTicks(long.MaxValue - long.Parse(newest.RowKey.AsSpan(0, 19), CultureInfo.InvariantCulture));
            break;
        }
    }

    /// <summary>The <see cref="Capacity"/> newest mails, newest last.</summary>
    public async Task<IReadOnlyList<CapturedMail>> AllAsync(CancellationToken cancellationToken)
    {
        var rows = await Rows(null, cancellationToken).Take(Capacity).ToListAsync(cancellationToken);
        var mails = await Task.WhenAll(rows.Select(row => ReadAsync(row, cancellationToken)));
        return [.. mails.OfType<CapturedMail>().Reverse()];
    }

    /// <summary>Reads SendGrid's v3 mail/send body; one captured mail per personalization, as SendGrid would deliver.</summary>
    public async Task<IReadOnlyList<CapturedMail>> AcceptAsync(JsonObject body, CancellationToken cancellationToken)
    {
        var accepted = Read(body);
        await CatchUpAsync(cancellationToken);
        var transactions = new List<List<TableTransactionAction>> { new() };
        var chars = 0;
        foreach (var mail in accepted)
        {
            var row = new TableEntity(Partition, $"{long.MaxValue - NextTicks(mail.ReceivedAt.UtcTicks):D19}-{mail.Id}");
            var json = JsonSerializer.Serialize(mail, Json);
            if (json.Length <= InlineChars)
            {
                row["Mail"] = json;
            }
            else
            {
                // The blob first, so no row ever names a blob that is not there.
                await Container.UploadBlobAsync(row.RowKey, BinaryData.FromString(json), cancellationToken);
                row["Blob"] = row.RowKey;
            }
            var size = row.GetString("Mail")?.Length ?? row.RowKey.Length;
            if (transactions[^1].Count == RowsPerTransaction || chars + size > CharsPerTransaction)
            {
                transactions.Add([]);
                chars = 0;
            }
            transactions[^1].Add(new TableTransactionAction(TableTransactionActionType.Add, row));
            chars += size;
        }
        foreach (var transaction in transactions.Where(t => t.Count > 0))
        {
            await Table.SubmitTransactionAsync(transaction, cancellationToken);
        }
        if (Interlocked.Add(ref _sinceTrim, accepted.Count) >= TrimEvery && Interlocked.Exchange(ref _sinceTrim, 0) >= TrimEvery)
        {
            await TrimAsync(cancellationToken);
        }
        return accepted;
    }

    /// <summary>
    /// Deletes the rows beyond the <see cref="Capacity"/> newest, reading only their keys, and every blob older than the
    /// oldest row kept (a blob whose row was never written, too).
    /// </summary>
    private async Task TrimAsync(CancellationToken cancellationToken)
    {
        var keys = await Rows(["PartitionKey", "RowKey"], cancellationToken).ToListAsync(cancellationToken);
        if (keys.Count == 0) return;
        var oldestKept = keys[Math.Min(keys.Count, Capacity) - 1].RowKey;
        await foreach (var blob in Container.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            if (string.CompareOrdinal(blob.Name, oldestKept) > 0) await Container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
        }
        foreach (var chunk in keys.Skip(Capacity).Chunk(RowsPerTransaction))
        {
            try
            {
                await Table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken);
            }
            catch (TableTransactionFailedException failed) when (failed.Status == 404)
            {
                // Another process trimmed some of them first; the next trim takes what is left.
            }
        }
    }

    /// <summary>The mailbox's rows, newest first.</summary>
    private AsyncPageable<TableEntity> Rows(IEnumerable<string>? select, CancellationToken cancellationToken, int? perPage = null) =>
        Table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, perPage, select, cancellationToken);

    private async Task<CapturedMail?> ReadAsync(TableEntity row, CancellationToken cancellationToken)
    {
        if (row.GetString("Mail") is { } json) return JsonSerializer.Deserialize<CapturedMail>(json, Json);
        try
        {
            var blob = await Container.GetBlobClient(row.GetString("Blob")).DownloadContentAsync(cancellationToken);
            return blob.Value.Content.ToObjectFromJson<CapturedMail>(Json);
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
            return null; // trimmed since the rows were read
        }
    }

    /// <summary>Arrival order within a process even when the clock stands still (a test's does) or steps back.</summary>
    private long NextTicks(long now)
    {
        long last, next;
        do
        {
            last = Volatile.Read(ref _lastTicks);
            next = Math.Max(now, last + 1);
        }
        while (Interlocked.CompareExchange(ref _lastTicks, next, last) != last);
        return next;
    }

    private List<CapturedMail> Read(JsonObject body)
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
            accepted.Add(new CapturedMail(Guid.NewGuid().ToString("n"), clock.GetUtcNow(), from, to,
                personalization?["subject"]?.GetValue<string>() ?? subject, Part("text/plain"), Part("text/html"), categories, args,
                personalization?["headers"]?["Message-ID"]?.GetValue<string>() ?? sharedMessageId));
        }
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
    private int _holding;

    /// <summary>How many sends the sink is holding back now for a slow answer, their clients still waiting.</summary>
    public int Holding => Volatile.Read(ref _holding);

    /// <summary>
    /// Holds a send back for a slow answer. A client that gives up aborts the request and releases the hold at that
    /// moment, not when the delay's continuation gets to run: nobody sees a send held that its client has given up on.
    /// </summary>
    public async Task HoldAsync(TimeSpan delay, TimeProvider clock, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _holding);
        var released = 0;
        void Release()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) Interlocked.Decrement(ref _holding);
        }
        using var aborted = cancellationToken.Register(Release);
        try
        {
            await Task.Delay(delay, clock, cancellationToken);
        }
        finally
        {
            Release();
        }
    }

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
        if (slow > TimeSpan.Zero && !acceptFirst) await faults.HoldAsync(slow, clock, ct);
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
        await mailbox.AcceptAsync(body, ct);
        if (acceptFirst) await faults.HoldAsync(slow, clock, ct);
        return TypedResults.Accepted((string?)null);
    }
}

/// <summary>The local mailbox for developers and tests: the mails the sink kept, and its fault switch. Local only, as the sink.</summary>
[Tags("Chỉ khi chạy trên máy"), LocalOnly("Mail:UseLocalSink")]
public sealed class LocalMailboxFunctions(LocalMailbox mailbox, LocalMailFaults faults)
{
    [Function("ListCapturedMail"), EndpointSummary("Thư đã gửi qua hộp thư nội bộ (JSON)")]
    public async Task<Ok<IReadOnlyList<CapturedMail>>> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dev/mail")] HttpRequest req, CancellationToken ct) =>
        TypedResults.Ok(await mailbox.AllAsync(ct));

    [Function("ViewCapturedMail"), EndpointSummary("Trang đọc thư của hộp thư nội bộ"), ExcludeFromDescription]
    public async Task<IResult> View([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dev/mail/view")] HttpRequest req, CancellationToken ct) =>
        MailPage.Render(await mailbox.AllAsync(ct));

    [Function("GetMailSinkFaults"), EndpointSummary("Sự cố giả lập của hộp thư nội bộ và các lần đã trả lời")]
    public Ok<SinkFaultState> GetFaults([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dev/mail/faults")] HttpRequest req) =>
        TypedResults.Ok(faults.State);

    [Function("SetMailSinkFaults"), EndpointSummary("Giả lập SendGrid gặp sự cố: trả 429/5xx hoặc trả lời chậm cho một số lần gửi")]
    public Ok<SinkFaultState> SetFaults(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "dev/mail/faults")] HttpRequest req, [JsonBody] SinkFault fault)
    {
        faults.Set(fault);
        return TypedResults.Ok(faults.State);
    }

    [Function("ClearMailSinkFaults"), EndpointSummary("Tắt sự cố giả lập")]
    public NoContent ClearFaults([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "dev/mail/faults")] HttpRequest req)
    {
        faults.Set(null);
        return TypedResults.NoContent();
    }
}
