namespace Medley.Torch.Optim;

/// <summary>
/// Per-parameter optimiser state (PyTorch's optimizer.state[p]). Tensors are owned by the optimiser, outside every
/// DisposeScope, and freed by <see cref="Optimizer.Dispose"/>. Slots an algorithm doesn't use stay null.
/// </summary>
public sealed class ParameterState
{
    /// <summary>Number of updates applied to this parameter ('step').</summary>
    public long Step { get; internal set; }

    /// <summary>Adam's first moment ('exp_avg').</summary>
    public Tensor? ExpAvg { get; internal set; }

    /// <summary>Adam's second moment ('exp_avg_sq').</summary>
    public Tensor? ExpAvgSq { get; internal set; }

    /// <summary>AMSGrad's running maximum of the second moment ('max_exp_avg_sq').</summary>
    public Tensor? MaxExpAvgSq { get; internal set; }

    /// <summary>SGD's momentum buffer ('momentum_buffer').</summary>
    public Tensor? MomentumBuffer { get; internal set; }

    internal static readonly string[] TensorKeys = { "exp_avg", "exp_avg_sq", "max_exp_avg_sq", "momentum_buffer" };

    internal Tensor? Get(string key) => key switch
    {
        "exp_avg" => ExpAvg,
        "exp_avg_sq" => ExpAvgSq,
        "max_exp_avg_sq" => MaxExpAvgSq,
        "momentum_buffer" => MomentumBuffer,
        _ => throw new ArgumentException($"unknown optimiser state '{key}'"),
    };

    internal void Set(string key, Tensor? value)
    {
        var old = Get(key);
        if (old != null && !ReferenceEquals(old, value)) old.Dispose();
        switch (key)
        {
            case "exp_avg": ExpAvg = value; break;
            case "exp_avg_sq": ExpAvgSq = value; break;
            case "max_exp_avg_sq": MaxExpAvgSq = value; break;
            case "momentum_buffer": MomentumBuffer = value; break;
        }
    }

    /// <summary>True when the algorithm has run at least once for this parameter (or state was loaded).</summary>
    internal bool IsEmpty => Step == 0 && ExpAvg == null && ExpAvgSq == null && MaxExpAvgSq == null && MomentumBuffer == null;

    internal void Clear()
    {
        ExpAvg?.Dispose();
        ExpAvgSq?.Dispose();
        MaxExpAvgSq?.Dispose();
        MomentumBuffer?.Dispose();
        ExpAvg = ExpAvgSq = MaxExpAvgSq = MomentumBuffer = null;
        Step = 0;
    }
}
