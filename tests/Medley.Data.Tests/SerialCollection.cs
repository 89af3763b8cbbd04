namespace Medley.Data.Tests;

/// <summary>Tests that read process-wide state (the live native tensor count) run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial (process-wide state)";
}
