using Medley.Models;

namespace Medley.Training.Strategies;

/// <summary>
/// The training strategy a method trains with, by method name: methods whose loop differs from the standard step
/// (TLA, G-Blend, OGM-GE, PMR) register a factory here; every other method trains with <see cref="StandardStrategy"/>.
/// The factory gets the built model (its config carries the strategy's settings).
/// </summary>
public static class StrategyRegistry
{
    private static readonly Dictionary<string, Func<MedleyModel, ITrainingStrategy>> Factories = new(StringComparer.Ordinal);
    private static readonly object Gate = new();

    static StrategyRegistry()
    {
        // Built-in strategies: one Register line per method whose training loop differs.
        Register("omnifuse", model => new OmniFuseStrategy(model));
        Register("g-blend", m => new GBlendStrategy(m));
        Register("ogm-ge", m => new OgmGeStrategy(m));
        Register("pmr", m => new PmrStrategy(m));
    }

    public static void Register(string method, Func<MedleyModel, ITrainingStrategy> factory)
    {
        lock (Gate)
            if (!Factories.TryAdd(method, factory)) throw new ArgumentException($"a training strategy for '{method}' is already registered.");
    }

    /// <summary>The strategy for a method's model (a fresh instance per run: strategies keep per-run state).</summary>
    public static ITrainingStrategy For(string method, MedleyModel model)
    {
        Func<MedleyModel, ITrainingStrategy>? factory;
        lock (Gate) Factories.TryGetValue(method, out factory);
        return factory?.Invoke(model) ?? StandardStrategy.Instance;
    }
}
