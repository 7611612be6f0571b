namespace Baocao.Hosting;

/// <summary>What the Azure Functions host tells a custom handler at start (see FUNCTIONS-HOST.md).</summary>
internal static class CustomHandler
{
    public const string PortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    /// <summary>
    /// True under the Functions host. Local stand-ins for the host (the mail sink, in-process timer and queue loops)
    /// check this, so in Azure only the host triggers functions.
    /// </summary>
    public static bool IsHosted => Environment.GetEnvironmentVariable(PortVariable) is not null;

    /// <summary>Local runs use the Functions default port so URLs look the same as under <c>func start</c>.</summary>
    public const int LocalPort = 7071;

    /// <summary>
    /// Binds the port the host chose, on loopback only, or 7071 locally unless URLs were given explicitly.
    /// </summary>
    public static void BindPort(this WebApplicationBuilder builder)
    {
        var hostPort = Environment.GetEnvironmentVariable(PortVariable);
        if (int.TryParse(hostPort, out var port))
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }
        else if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls($"http://localhost:{LocalPort}");
        }
    }
}
