using System.Reflection;
using Baocao.Hosting;
using Baocao.Rendering;
using Microsoft.Azure.Functions.Worker;

namespace Baocao.Submissions.Form;

/// <summary>Where the form page lives, for links to it (reminder mails).</summary>
public static class ReportFormPage
{
    /// <summary>The page's route below the host's route prefix, as its function declares it.</summary>
    public const string FunctionRoute = "submit";
    public const string Path = "/api/" + FunctionRoute;
}

/// <summary>
/// A plain Vietnamese page for units with no system of their own. It holds nothing secret: the unit types its key,
/// and the page's script calls the same API a district's own system calls (tus for files, then the submission).
/// </summary>
public sealed class ReportFormFunctions
{
    /// <summary>The page's script and the tus client from npm (embedded at build from node_modules), served by the app itself.</summary>
    private static readonly Dictionary<string, string> Scripts = new()
    {
        ["form.js"] = "Baocao.Submissions.Form.form.js",
        ["tus.min.js"] = "Baocao.Submissions.Form.tus.min.js",
    };

    [Function("ReportForm"), Tags("Đơn vị: nộp báo cáo"), EndpointSummary("Trang nộp báo cáo cho đơn vị không có hệ thống riêng")]
    [Produces(StatusCodes.Status200OK, "text/html")]
    public IResult Form([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ReportFormPage.FunctionRoute)] HttpRequest req) =>
        Page.Scripted("Nộp báo cáo", "Submissions/Form/form", $"{ReportFormPage.Path}/tus.min.js", $"{ReportFormPage.Path}/form.js");

    [Function("ReportFormScript"), ExcludeFromDescription]
    public IResult Script([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ReportFormPage.FunctionRoute + "/{script}")] HttpRequest req, string script)
    {
        if (!Scripts.TryGetValue(script, out var resource)) return Problems.NotFound($"Không có tệp {script}.");
        req.HttpContext.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Stream(Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)!, "text/javascript; charset=utf-8");
    }
}
