namespace Baocao.Tests.Infrastructure;

public static class ApiKeys
{
    /// <summary>The client presents <paramref name="key"/> (the admin key or a unit's) on every request, as the API asks for it.</summary>
    public static HttpClient Presenting(this HttpClient client, string key)
    {
        client.DefaultRequestHeaders.Add(Baocao.Hosting.AdminKey.Header, key);
        return client;
    }
}
