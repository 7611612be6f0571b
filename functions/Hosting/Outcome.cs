using Microsoft.AspNetCore.Http.HttpResults;

namespace Baocao.Hosting;

/// <summary>A value, or the Problem Details that say why there is none.</summary>
public readonly record struct Outcome<T>(T? Value, ProblemHttpResult? Problem)
{
    public static implicit operator Outcome<T>(ProblemHttpResult problem) => new(default, problem);

    public static implicit operator Outcome<T>(T value) => new(value, null);
}
