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
using Baocao.Submissions.Form;
using Baocao.Workflow;

var builder = WebApplication.CreateBuilder(args);

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

var app = builder.Build();

app.UseBaocaoHosting();
app.UseRateLimiter();
app.UseStorageReadinessGate();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapHealth();
app.MapCatalogApi();
app.MapUnitKeysApi();
app.MapUnitPeriodsApi();
app.MapSubmissionsApi();
app.MapResumableUploadsApi();
app.MapReportForm();
app.MapDashboard();
app.MapWorkflowApi();
app.MapReviewApi();
app.MapRemindersApi();
app.MapLocalMailSinkWhenLocal();
app.PrintDemoBanner();

if (!app.WriteAndExitIfAsked(args)) app.Run();

/// <summary>Entry point, reachable from the functional tests.</summary>
public partial class Program;
