using Baocao.Hosting;
using Baocao.Storage;
using Microsoft.Extensions.Options;

namespace Baocao.Demo;

public static class DemoSetup
{
    public static IServiceCollection AddDemoData(this IServiceCollection services) =>
        services.AddSingleton<IStartupTask, DemoSeeder>().AddHostedService<DemoBanner>();
}

/// <summary>With demo data, tells a newcomer where to look once storage is ready (not in tests, which read no console).</summary>
internal sealed class DemoBanner(IOptions<BaocaoOptions> options, StorageReadiness readiness, IHostEnvironment environment) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SeedDemoData || environment.IsEnvironment("Testing")) return;
        try
        {
            await readiness.Ready.WaitAsync(stoppingToken);
        }
        catch (Exception)
        {
            return; // the provisioner has logged why
        }
        var baseUrl = options.Value.PublicBaseUrl.TrimEnd('/');
        var unitKey = options.Value.DemoUnitKey;
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
