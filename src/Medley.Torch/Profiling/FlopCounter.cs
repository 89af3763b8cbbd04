namespace Medley.Torch.Profiling;

/// <summary>
/// Counts the multiply-adds of the matmul-like ops (Linear, Matmul, Mm, Bmm, Baddbmm, Conv1d/2d/3d,
/// ConvTranspose1d/2d/3d, the fused Attention op; attention modules count through their Linear projections plus
/// either Attention or the Bmm calls of their unfused path) run on this thread while the
/// counter is active: <c>using var c = FlopCounter.Start(); model.Forward(x); c.Total</c>. One multiply-add is
/// 2 FLOPs (METHODS.md §1.10). Element-wise ops, norms, softmax, bias additions and Einsum are not counted, as in
/// fvcore/ptflops-style per-layer counts. Counters nest: an inner counter's ops also count in the outer ones.
/// </summary>
public sealed class FlopCounter : IDisposable
{
    // The op wrappers read this one field; null (the normal case) costs a single check.
    [ThreadStatic] internal static FlopCounter? Current;

    private readonly FlopCounter? _outer;
    private readonly Dictionary<string, long> _byOp = new();
    private bool _disposed;

    private FlopCounter(FlopCounter? outer) => _outer = outer;

    /// <summary>Starts counting on the calling thread until the counter is disposed.</summary>
    public static FlopCounter Start()
    {
        var counter = new FlopCounter(Current);
        Current = counter;
        return counter;
    }

    /// <summary>Multiply-adds counted so far.</summary>
    public long MultiplyAdds { get; private set; }

    /// <summary>FLOPs counted so far: 2 × multiply-adds.</summary>
    public long Total => 2 * MultiplyAdds;

    /// <summary>Multiply-adds per op name ("Linear", "Bmm", "Conv2d", ...).</summary>
    public IReadOnlyDictionary<string, long> ByOp => _byOp;

    /// <summary>FLOPs (2 × multiply-adds) per op name.</summary>
    public IReadOnlyDictionary<string, long> FlopsByOp => _byOp.ToDictionary(kv => kv.Key, kv => 2 * kv.Value);

    private void Add(string op, long macs)
    {
        for (var c = this; c != null; c = c._outer)
        {
            if (c._disposed) continue;
            c.MultiplyAdds += macs;
            c._byOp[op] = c._byOp.TryGetValue(op, out var v) ? v + macs : macs;
        }
    }

    /// <summary>input (…, in) · Wᵀ: every input element meets every output feature once.</summary>
    internal void AddLinear(Tensor input, Tensor weight) => Add("Linear", input.NumEl * weight.Size(0));

    /// <summary>Products whose result has one multiply-add per element per contracted index (Matmul, Mm, Bmm, Baddbmm).</summary>
    internal void AddProduct(string op, Tensor left, Tensor result) =>
        Add(op, result.NumEl * left.Size(-1));

    /// <summary>Fused attention, q (n, l, e) against s keys: Q·Kᵀ and A·V, each one multiply-add per (query, key, feature).</summary>
    internal void AddAttention(long n, long l, long s, long e) => Add("Attention", 2 * n * l * s * e);

    internal void AddConv(string op, Tensor weight, Tensor result, long groups)
    {
        // Each output element sums over in_channels/groups × kernel positions (weight is [out, in/groups, k…]).
        var perOutput = weight.NumEl / weight.Size(0);
        Add(op, result.NumEl * perOutput);
    }

    internal void AddConvTranspose(string op, Tensor input, Tensor weight, long groups)
    {
        // Each input element is scattered through out_channels/groups × kernel positions (weight is [in, out/groups, k…]).
        var perInput = weight.NumEl / weight.Size(0);
        Add(op, input.NumEl * perInput);
    }

    /// <summary>Stops counting; the previous counter (if any) becomes current again.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (ReferenceEquals(Current, this)) Current = _outer;
    }
}
