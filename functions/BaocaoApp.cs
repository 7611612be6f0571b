using Baocao.Access;
using Baocao.Catalog;
using Baocao.Demo;
using Baocao.Hosting;
using Baocao.Mail;
using Baocao.Reminders;
using Baocao.Reporting;
using Baocao.Review;
using Baocao.Storage;
using Baocao.Submissions;
using Baocao.Workflow;
using Microsoft.Azure.Functions.Worker.Builder;

namespace Baocao;

/// <summary>The app's composition: what the Functions host's worker and the local host both stand on.</summary>
public static class BaocaoApp
{
    /// <summary>The app as the Functions host runs it: the isolated worker with ASP.NET Core integration.</summary>
    public static IHost BuildWorker(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.UseMiddleware<HttpFunctionsWorkerMiddleware>();
        builder.AddBaocao();
        return builder.Build();
    }

    public static IHostApplicationBuilder AddBaocao(this IHostApplicationBuilder builder)
    {
        builder.AddBaocaoHosting();
        builder.Services.AddBaocaoRateLimits();
        builder.AddBaocaoStorage();
        builder.Services.AddCatalog();
        builder.Services.AddAccess();
        builder.Services.AddMail();
        builder.Services.AddSubmissions();
        builder.Services.AddWorkflow();
        builder.Services.AddReview();
        builder.Services.AddReminders();
        builder.Services.AddReporting();
        builder.Services.AddDemoData();
        builder.Services.AddHttpFunctionPipeline(app => app
            .UseSecurityHeaders()
            .UseBaocaoErrors()
            .UseRateLimiter()
            .UseStorageReadinessGate()
            .UseAuthentication()
            .UseAuthorization());
        return builder;
    }
}
