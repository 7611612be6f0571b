using Baocao.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Baocao.Access;

/// <summary>Admin functions to issue, list and revoke the API keys of a unit.</summary>
[Tags("Danh mục: khoá đơn vị")]
[RequireAdminKey, ProducesProblem(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound)]
public sealed class UnitKeyFunctions(UnitKeys keys)
{
    [Function("IssueUnitKey"), EndpointSummary("Cấp khoá API cho đơn vị (khoá chỉ hiện một lần)")]
    [EndpointDescription("Mỗi đơn vị có tối đa hai khoá đang dùng, để đổi khoá không gián đoạn: cấp khoá mới, chuyển hệ thống sang, rồi thu hồi khoá cũ.")]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<Results<Created<IssuedUnitKey>, ProblemHttpResult>> Issue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "catalog/units/{code}/keys")] HttpRequest req, string code, CancellationToken ct)
    {
        var issued = await keys.IssueAsync(code, ct);
        return issued.Problem is { } refused ? refused : TypedResults.Created($"/api/catalog/units/{issued.Value!.UnitCode}/keys/{issued.Value.KeyId}", issued.Value);
    }

    [Function("ListUnitKeys"), EndpointSummary("Các khoá của đơn vị (không có phần bí mật)")]
    public async Task<Ok<IReadOnlyList<UnitKeyInfo>>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "catalog/units/{code}/keys")] HttpRequest req, string code, CancellationToken ct) =>
        TypedResults.Ok(await keys.ListAsync(code, ct));

    [Function("RevokeUnitKey"), EndpointSummary("Thu hồi một khoá")]
    public async Task<Results<Ok<UnitKeyInfo>, ProblemHttpResult>> Revoke(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "catalog/units/{code}/keys/{keyId}")] HttpRequest req, string code, string keyId, CancellationToken ct)
    {
        var revoked = await keys.RevokeAsync(code, keyId, ct);
        return revoked.ToOk();
    }
}
