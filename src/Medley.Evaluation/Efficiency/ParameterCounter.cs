using Medley.Torch.NN;

namespace Medley.Evaluation.Efficiency;

/// <summary>Parameter counts of a model, in total and per top-level submodule (for the efficiency table).</summary>
/// <param name="PerChild">Name and parameter count of each direct child, then "(own)" for parameters held directly.</param>
public sealed record ParameterReport(long Total, long Trainable, IReadOnlyList<(string Name, long Count)> PerChild)
{
    /// <summary>Total in millions, the unit of the papers' tables.</summary>
    public double Millions => Total / 1e6;
}

public static class ParameterCounter
{
    public static ParameterReport Count(Module model)
    {
        var perChild = model.NamedChildren()
            .Select(c => (c.Name, c.Module.ParameterCount()))
            .ToList();
        var own = model.Parameters(recurse: false).Sum(p => p.NumEl);
        if (own > 0) perChild.Add(("(own)", own));
        return new ParameterReport(model.ParameterCount(), model.ParameterCount(trainableOnly: true), perChild);
    }
}
