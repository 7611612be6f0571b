using Baocao.Workflow;

namespace Baocao.Submissions;

public static class SubmissionsSetup
{
    public static IServiceCollection AddSubmissions(this IServiceCollection services)
    {
        services.AddOptions<AttachmentLimits>().BindConfiguration(AttachmentLimits.Section)
            .Validate(l => l.MaxFileBytes > 0 && l.MaxSubmissionBytes >= l.MaxFileBytes,
                "Submissions:MaxFileBytes must be positive and not above Submissions:MaxSubmissionBytes.")
            .ValidateOnStart();
        services.AddOptions<IdempotencyOptions>().BindConfiguration(AttachmentLimits.Section)
            .Validate(o => o.IdempotencyKeyLifetime > TimeSpan.Zero, "Submissions:IdempotencyKeyLifetime must be positive.")
            .ValidateOnStart();
        services.AddSingleton<AttachmentStore>();
        services.AddSingleton<SubmissionReader>();
        services.AddOptions<UploadOptions>().BindConfiguration(AttachmentLimits.Section)
            .Validate(o => o.UploadLifetime > TimeSpan.Zero, "Submissions:UploadLifetime must be positive.")
            .ValidateOnStart();
        services.AddSingleton<SubmissionService>();
        services.AddSingleton<UploadBlobs>().AddSingleton<UploadRecords>().AddSingleton<UploadProgress>().AddSingleton<ChunkWriter>();
        services.AddSingleton<BackgroundCommits>().AddHostedService(p => p.GetRequiredService<BackgroundCommits>());
        services.AddSingleton<ResumableUploads>().AddSingleton<IExpiringRecords>(p => p.GetRequiredService<ResumableUploads>());
        return services;
    }
}
