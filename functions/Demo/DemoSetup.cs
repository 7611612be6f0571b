using Baocao.Hosting;
using Baocao.Storage;
using Microsoft.Extensions.Options;

namespace Baocao.Demo;

public static class DemoSetup
{
    public static IServiceCollection AddDemoData(this IServiceCollection services) =>
        services.AddSingleton<IStartupTask, DemoSeeder>();

    /// <summary>When running on its own with demo data, tells a newcomer where to look once storage is ready.</summary>
    public static WebApplication PrintDemoBanner(this WebApplication app)
    {
        var hosted = CustomHandler.IsHosted;
        if (hosted || app.Environment.IsEnvironment("Testing")) return app;
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            // Read once started, when the options have passed validation.
            var options = app.Services.GetRequiredService<IOptions<BaocaoOptions>>().Value;
            if (options.SeedDemoData) _ = PrintWhenReadyAsync(app, options.PublicBaseUrl.TrimEnd('/'), options.DemoUnitKey);
        });
        return app;
    }

    private static async Task PrintWhenReadyAsync(WebApplication app, string baseUrl, string unitKey)
    {
        try
        {
            await app.Services.GetRequiredService<StorageReadiness>().Ready;
        }
        catch (Exception)
        {
            return; // the provisioner has logged why
        }
        Console.WriteLine($"""

            Baocao đang chạy với dữ liệu mẫu (tỉnh An Hòa, kỳ 2026-H1 đang mở):
              Tài liệu API ........ {baseUrl}/api/docs
              Bảng theo dõi ....... {baseUrl}/api/dashboard/2026-H1   (đăng nhập bằng khoá quản trị Baocao__AdminKey trong local.settings.sample.json)
              Hộp thư nội bộ ...... {baseUrl}/api/dev/mail/view   (JSON: {baseUrl}/api/dev/mail)
              Tình trạng .......... {baseUrl}/api/health
              Khoá đơn vị mẫu ..... {DemoSeeder.DemoUnit}: X-Api-Key: {unitKey}
                                    thử: curl -H "X-Api-Key: {unitKey}" "{baseUrl}/api/periods?status=open"
            Dừng: Ctrl+C
            """);
    }
}
