using Microsoft.AspNetCore.Http.HttpResults;

namespace Baocao.Hosting;

/// <summary>A value, or the Problem Details that say why there is none.</summary>
public readonly record struct Outcome<T>(T? Value, ProblemHttpResult? Problem)
{
    public static implicit operator Outcome<T>(ProblemHttpResult problem) => new(default, problem);

    public static implicit operator Outcome<T>(T value) => new(value, null);

    /// <summary>The answer of an endpoint that returns the value: 200 OK with it, or the problem.</summary>
    public Results<Ok<T>, ProblemHttpResult> ToOk() => Problem is { } problem ? problem : TypedResults.Ok(Value!);
}
