using Microsoft.AspNetCore.Http.HttpResults;

namespace Baocao.Hosting;

/// <summary>One thing wrong with a request: where (a JSON pointer, or a CSV line), a stable code, and a Vietnamese sentence.</summary>
public sealed record FieldError(string Pointer, string Code, string Detail, int? Line = null);

/// <summary>RFC 9457 Problem Details for every error the API returns. Titles and details are Vietnamese; codes are for machines.</summary>
public static class Problems
{
    public const string TypePrefix = "urn:baocao:problem:";

    public static ProblemHttpResult Create(int status, string code, string title, string? detail = null, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypePrefix + code, extensions: extensions);

    public static ProblemHttpResult Validation(IReadOnlyList<FieldError> errors) =>
        Create(StatusCodes.Status422UnprocessableEntity, "validation", "Dữ liệu không hợp lệ",
            errors.Count == 1 ? errors[0].Detail : $"Có {errors.Count} lỗi trong dữ liệu gửi lên.",
            new Dictionary<string, object?> { ["errors"] = errors });

    public static ProblemHttpResult Malformed(FieldError error) =>
        Create(StatusCodes.Status400BadRequest, error.Code, "Yêu cầu không đọc được", error.Detail,
            new Dictionary<string, object?> { ["errors"] = new[] { error } });

    public static ProblemHttpResult NotFound(string detail) =>
        Create(StatusCodes.Status404NotFound, "not-found", "Không tìm thấy", detail);

    public static ProblemHttpResult Conflict(string code, string detail) =>
        Create(StatusCodes.Status409Conflict, code, "Xung đột dữ liệu", detail);

    public static ProblemHttpResult Unauthorized(string detail) =>
        Create(StatusCodes.Status401Unauthorized, "unauthorized", "Chưa xác thực", detail);

    public static ProblemHttpResult UnsupportedMediaType(string detail) =>
        Create(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Định dạng không được hỗ trợ", detail);
}

/// <summary>Collects every problem in a request before answering, so a user fixes them all in one go.</summary>
public sealed class ValidationErrors
{
    private readonly List<FieldError> _errors = [];

    public bool Any => _errors.Count > 0;

    public IReadOnlyList<FieldError> Items => _errors;

    public void Add(string pointer, string code, string detail, int? line = null) => _errors.Add(new FieldError(pointer, code, detail, line));

    public ProblemHttpResult ToProblem() => Problems.Validation(_errors);
}
