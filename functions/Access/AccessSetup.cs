namespace Baocao.Access;

/// <summary>The services behind unit keys: issuing, listing, revoking and checking them.</summary>
public static class AccessSetup
{
    public static IServiceCollection AddAccess(this IServiceCollection services) => services.AddSingleton<UnitKeys>();
}
