using Baocao.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Baocao.Access;

/// <summary>Admin endpoints to issue, list and revoke the API keys of a unit.</summary>
public static class UnitKeysApi
{
    public static IServiceCollection AddAccess(this IServiceCollection services) => services.AddSingleton<UnitKeys>();

    public static IEndpointRouteBuilder MapUnitKeysApi(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api/catalog/units/{code}/keys").RequireAdminKey().WithTags("Danh mục: khoá đơn vị")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        keys.MapPost("/", Issue).WithName("IssueUnitKey")
            .WithSummary("Cấp khoá API cho đơn vị (khoá chỉ hiện một lần)")
            .WithDescription("Mỗi đơn vị có tối đa hai khoá đang dùng, để đổi khoá không gián đoạn: cấp khoá mới, chuyển hệ thống sang, rồi thu hồi khoá cũ.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        keys.MapGet("/", List).WithName("ListUnitKeys").WithSummary("Các khoá của đơn vị (không có phần bí mật)");
        keys.MapDelete("/{keyId}", Revoke).WithName("RevokeUnitKey").WithSummary("Thu hồi một khoá");
        return app;
    }

    public static async Task<Results<Created<IssuedUnitKey>, ProblemHttpResult>> Issue(string code, UnitKeys keys, CancellationToken ct)
    {
        var issued = await keys.IssueAsync(code, ct);
        return issued.Problem is { } refused ? refused : TypedResults.Created($"/api/catalog/units/{issued.Value!.UnitCode}/keys/{issued.Value.KeyId}", issued.Value);
    }

    public static async Task<Ok<IReadOnlyList<UnitKeyInfo>>> List(string code, UnitKeys keys, CancellationToken ct) =>
        TypedResults.Ok(await keys.ListAsync(code, ct));

    public static async Task<Results<Ok<UnitKeyInfo>, ProblemHttpResult>> Revoke(string code, string keyId, UnitKeys keys, CancellationToken ct)
    {
        var revoked = await keys.RevokeAsync(code, keyId, ct);
        return revoked.ToOk();
    }
}
