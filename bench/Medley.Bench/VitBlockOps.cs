using System.Diagnostics;
using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Bench;

/// <summary>
/// `Medley.Bench vit-ops [ti|b]`: the ops of one ViT encoder block at batch 1 (197 tokens), each timed on its own
/// through Medley's API, so the non-GEMM share of a batch-1 forward can be read op by op. bench/python/vit_ops.py
/// times the same ops in PyTorch; `mha` is a whole MultiheadAttention call (projections included).
/// </summary>
public static class VitBlockOps
{
    public static int Run(string config)
    {
        var (e, heads, mlp) = config == "b" ? (768, 12, 3072) : (192, 3, 768);
        const int tokens = 197;
        using var scope = DisposeScope.Enter();
        using var noGrad = Engine.NoGrad();
        Engine.ManualSeed(0);
        var x = Tensor.Randn(1, tokens, e);
        var lnW = Tensor.Randn(e);
        var lnB = Tensor.Randn(e);
        var wQkv = Tensor.Randn(3 * e, e);
        var bQkv = Tensor.Randn(3 * e);
        var wOut = Tensor.Randn(e, e);
        var bOut = Tensor.Randn(e);
        var w1 = Tensor.Randn(mlp, e);
        var b1 = Tensor.Randn(mlp);
        var w2 = Tensor.Randn(e, mlp);
        var b2 = Tensor.Randn(e);
        var qkv = Tensor.Linear(x, wQkv, bQkv);
        var hidden = Tensor.Linear(x, w1, b1);
        Console.WriteLine($"# medley vit-ops {config} threads={Engine.Threads}: µs per op (median of 7 runs of 200)");
        var total = 0.0;
        void Time(string name, Func<Tensor> op, int perBlock = 1)
        {
            var runs = new double[7];
            for (var r = 0; r < runs.Length; r++)
            {
                var start = Stopwatch.GetTimestamp();
                for (var i = 0; i < 200; i++)
                {
                    using var inner = DisposeScope.Enter();
                    op();
                }
                runs[r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / 200;
            }
            Array.Sort(runs);
            total += perBlock * runs[3];
            Console.WriteLine($"RESULT vitop_{name} {runs[3]:F1}");
        }
        Time("layer_norm", () => Functional.LayerNorm(x, new long[] { e }, lnW, lnB, 1e-6), 2);
        Time("linear_qkv", () => Tensor.Linear(x, wQkv, bQkv));
        Time("attention_ops", () => Functional.PackedSelfAttention(qkv, heads));
        Time("linear_out", () => Tensor.Linear(x, wOut, bOut));
        Time("add", () => x + x, 2);
        Time("linear_fc1", () => Tensor.Linear(x, w1, b1));
        Time("gelu", () => Functional.Gelu(hidden));
        Time("linear_fc2", () => Tensor.Linear(hidden, w2, b2));
        var mha = new MultiheadAttention(e, heads, batchFirst: true);
        mha.Eval();
        Time("mha", () => mha.SelfAttention(x), 0);
        Console.WriteLine($"RESULT vitop_block_sum {total:F1}");
        return 0;
    }
}
