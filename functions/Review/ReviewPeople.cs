using Baocao.Catalog;

namespace Baocao.Review;

/// <summary>Who decides a report in a stage: the stage's assignees in the period's catalogue.</summary>
public sealed class ReviewPeople
{
    public Task<IReadOnlyList<Reviewer>> OfAsync(Period period, ReviewStage stage, string unitCode, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Reviewer>>(stage.Assignees.Select(a => new Reviewer(a)).ToList());
}
