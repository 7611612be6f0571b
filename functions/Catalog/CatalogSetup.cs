namespace Baocao.Catalog;

/// <summary>The catalogue's services: its store and the service the catalogue's functions stand on.</summary>
public static class CatalogSetup
{
    public static IServiceCollection AddCatalog(this IServiceCollection services) =>
        services.AddSingleton<CatalogStore>().AddSingleton<CatalogService>();
}
