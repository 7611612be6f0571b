namespace Baocao.Tests.Infrastructure;

/// <summary>
/// Tests that run alone, after the parallel ones: what they watch (a process's memory, a killed engine's recovery on
/// its own clock of leases and visibility time-outs) must be theirs, not shared with the rest of the suite's load.
/// </summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;
