using System.Text.Json;

namespace Baocao.Tests.Infrastructure;

/// <summary>A province grown by many commune committees under the demo province's root, as the unit import takes them.</summary>
public static class Communes
{
    /// <summary>The import body for <paramref name="count"/> communes <c>XA-0001</c>…, each with its reporting officer.</summary>
    public static string Json(int count) => JsonSerializer.Serialize(Enumerable.Range(1, count).Select(n => new
    {
        code = $"XA-{n:D4}", name = $"Đảng ủy xã số {n}", level = "HUYEN", parent = "BDV-TU",
        reportingOfficer = new { name = $"Cán bộ xã {n}", email = $"canbo.xa{n:D4}@anhoa.example" },
    }));
}
