using Medley.Torch;

namespace Medley.Bench;

/// <summary>The benchmark bodies; each returns the mean microseconds per operation of one timed run.</summary>
public static class Benchmarks
{
    public const int TinyOps = 100_000;

    public static readonly (string Name, Func<Timing> Run)[] All =
    {
        ("add_1_dispose", () => AddDispose(1)),
        ("add_2x2_dispose", () => AddDispose(2, 2)),
        ("add_2x2_scope1000", () => AddScoped(1000, 2, 2)),
        ("add_2x2_scope1", () => AddScoped(1, 2, 2)),
        ("mlp_step", () => new Timing(MlpStep.Run(), null)),
    };

    // Each result freed right away with Dispose (the tightest .NET pattern).
    private static Timing AddDispose(params long[] shape)
    {
        using var a = Tensor.Ones(shape).DetachFromScope();
        using var b = Tensor.Ones(shape).DetachFromScope();
        var clock = OpClock.Start();
        for (var i = 0; i < TinyOps; i++)
        {
            var c = a.Add(b);
            c.Dispose();
        }
        return clock.PerOp(TinyOps);
    }

    // Results collected by a DisposeScope that is closed every `perScope` ops (the training-loop pattern).
    private static Timing AddScoped(int perScope, params long[] shape)
    {
        using var a = Tensor.Ones(shape).DetachFromScope();
        using var b = Tensor.Ones(shape).DetachFromScope();
        var clock = OpClock.Start();
        for (var done = 0; done < TinyOps; done += perScope)
        {
            using var scope = DisposeScope.Enter();
            for (var i = 0; i < perScope; i++) _ = a.Add(b);
        }
        return clock.PerOp(TinyOps);
    }
}
