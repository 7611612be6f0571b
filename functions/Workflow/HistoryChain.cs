using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Baocao.Workflow;

/// <summary>
/// History is tamper-evident: each event's hash is SHA-256 over the previous event's hash and this event's canonical
/// JSON (every field but the hash, in a fixed order), so changing any stored field breaks the chain from there on.
/// </summary>
public static class HistoryChain
{
    /// <summary>Event times are kept to the millisecond, so the instant hashed is exactly the one any store or JSON round trip gives back.</summary>
    public static DateTimeOffset Storable(DateTimeOffset at) =>
        new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);

    public static string Hash(string previousHash, HistoryEvent e) =>
        Convert.ToHexStringLower(SHA256.HashData([.. Encoding.UTF8.GetBytes(previousHash), .. Canonical(e)]));

    /// <summary>The sequence number of the first event that does not chain to the one before, or null.</summary>
    public static int? FirstBroken(IReadOnlyList<HistoryEvent> history)
    {
        var previous = "";
        for (var i = 0; i < history.Count; i++)
        {
            var e = history[i];
            if (e.Sequence != i + 1 || e.Hash != Hash(previous, e)) return i + 1;
            previous = e.Hash;
        }
        return null;
    }

    private static byte[] Canonical(HistoryEvent e)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("sequence", e.Sequence);
            json.WriteString("trigger", e.Trigger.ToString());
            json.WriteString("actor", e.Actor);
            json.WriteString("channel", e.Channel.ToString());
            json.WriteString("at", Storable(e.At).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteNumber("version", e.Version);
            json.WriteString("comment", e.Comment);
            json.WriteString("reasonCode", e.ReasonCode);
            json.WriteString("from", e.From.ToString());
            json.WriteString("to", e.To.ToString());
            // Written only when present, so the chains of events without one hash as they always did.
            if (e.InStage is { } fact)
            {
                json.WritePropertyName("inStage");
                JsonSerializer.Serialize(json, fact, StageFacts.Json);
            }
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
