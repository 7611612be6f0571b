using Baocao;
using Baocao.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<HttpFunctionsWorkerMiddleware>();
builder.AddBaocao();
builder.Build().Run();
