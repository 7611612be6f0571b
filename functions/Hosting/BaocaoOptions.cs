using System.ComponentModel.DataAnnotations;

namespace Baocao.Hosting;

/// <summary>App-wide settings, bound from the <c>Baocao</c> section (<c>Baocao__*</c> app settings).</summary>
public sealed class BaocaoOptions
{
    public const string Section = "Baocao";

    /// <summary>The key province staff send in <c>X-Api-Key</c> for admin calls.</summary>
    [Required, MinLength(16, ErrorMessage = "Baocao:AdminKey must be at least 16 characters.")]
    public string AdminKey { get; set; } = "";

    /// <summary>IANA zone in which people read dates and deadlines.</summary>
    [Required]
    public string TimeZone { get; set; } = "Asia/Ho_Chi_Minh";

    /// <summary>Where people reach the app; links in mail are built from it.</summary>
    [Required, Url]
    public string PublicBaseUrl { get; set; } = "http://localhost:7071";

    /// <summary>Seeds the demo province, its units, a template and an open period when the catalogue is empty.</summary>
    public bool SeedDemoData { get; set; }

    /// <summary>
    /// The demo unit's API key, registered for the demo district when demo data is seeded, so a newcomer can call the
    /// unit API at once. A local default only; leave empty anywhere real.
    /// </summary>
    public string DemoUnitKey { get; set; } = "";

    /// <summary>Starts Azurite from node_modules when development storage is configured and nothing listens on its ports.</summary>
    public bool StartLocalAzurite { get; set; }
}
