using Microsoft.AspNetCore.Diagnostics;

namespace Baocao.Storage;

/// <summary>
/// Answers a request that failed because storage is away (<see cref="StorageOutage.Is"/>) with the 503 a client should
/// wait out; any other failure goes on to the app's own error answer. ASP.NET Core's exception handler asks it first.
/// </summary>
public sealed class StorageOutageHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!StorageOutage.Is(exception, httpContext.RequestAborted)) return false;
        // Nothing was half written, so trying again is safe. A write that got no answer may have been made whole all the
        // same, so the same Idempotency-Key keeps it once.
        await StorageOutage.AnswerAsync(httpContext,
            "Kho dữ liệu tạm thời không trả lời; yêu cầu có thể chưa được ghi nhận. Hãy gửi lại sau giây lát, với cùng Idempotency-Key nếu có, để không bị ghi hai lần.");
        return true;
    }
}
