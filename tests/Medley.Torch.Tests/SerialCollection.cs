namespace Medley.Torch.Tests;

/// <summary>
/// Tests that read process-wide state (the live-tensor count, RSS, thread count) run in this collection, which
/// xunit runs alone, so concurrent tests can't disturb their counts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial (process-wide state)";
}
