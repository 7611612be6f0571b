using System.ComponentModel.DataAnnotations;

namespace Baocao.Workflow;

/// <summary>Settings of the workflow's local triggers, bound from <c>Workflow__*</c>.</summary>
public sealed class WorkflowOptions
{
    public const string Section = "Workflow";

    /// <summary>Runs the timer sweep and the outbox queue loop in-process; never under the Functions host, whose triggers call the same handlers.</summary>
    public bool RunLocalTriggers { get; set; } = true;

    /// <summary>Whether the local loops run: asked for, and not under the Functions host, whose triggers call the same handlers.</summary>
    public bool LocalTriggersRunHere() => RunLocalTriggers && Environment.GetEnvironmentVariable(Hosting.CustomHandler.PortVariable) is null;

    /// <summary>How often the local loop sweeps the timer index (the Functions timer trigger has its own schedule).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest the local queue loop waits between polls while the queue stays empty.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan MaxIdleDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first retry delay of a failed message; it doubles with each dequeue.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A message that failed this many times goes to the poison queue (the Functions default is 5 too).</summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;
}
