namespace Baocao.Catalog;

/// <summary>
/// A named level of the unit tree (province committee, district committee, armed forces, Front…). Data, not code. A
/// <see cref="Retired"/> level (the district level after 2025, say) stays for the inactive units that still carry it,
/// and no active unit may take it.
/// </summary>
public sealed record OrgLevel(string Code, string Name, int Order = 0, bool Retired = false);

/// <summary>A person a unit names for its reports.</summary>
public sealed record Contact(string Name, string Email, string? Phone = null);

/// <summary>
/// A reporting unit (đơn vị báo cáo): a node of the configured tree. <see cref="Parent"/> is the unit it reports to;
/// the root has none.
/// </summary>
public sealed record OrgUnit(
    string Code,
    string Name,
    string Level,
    string? Parent = null,
    bool Active = true,
    Contact? ReportingOfficer = null,
    Contact? Head = null);

/// <summary>The answer to an import: how many units were added and how many replaced.</summary>
public sealed record ImportResult(int Created, int Updated);
