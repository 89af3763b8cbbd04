using Medley.Models.Methods;
using Medley.Models.Methods.OmniFuse;
using Medley.Torch;
using Medley.Torch.NN;
using Xunit;

namespace Medley.Models.Tests;

public class OmniFuseTests
{
    // Modalities without dropout in their encoders, so two passes in training mode see the same true embeddings.
    private const string Shapes = "labs:tabular:5;vitals:timeseries:4x3;emb:embedding:6";

    private static OmniFuseConfig Config(string task = "binary", int classes = 2) => new()
    {
        ModalityShapes = Shapes, EmbedDim = 8, Hidden = 6, LatentDim = 4, NumAutoencoders = 3, ClassifierHidden = 8,
        NumClasses = classes, Task = task,
    };

    private static Dictionary<string, Tensor> Inputs(int b = 6)
    {
        var inputs = new Dictionary<string, Tensor>
        {
            ["labs"] = Tensor.Randn(b, 5),
            ["vitals"] = Tensor.Randn(b, 4, 3),
            ["emb"] = Tensor.Randn(b, 6),
            ["labs.present"] = Tensor.From(Enumerable.Range(0, b).Select(i => i % 3 != 0).ToArray()),
            ["vitals.present"] = Tensor.From(Enumerable.Range(0, b).Select(i => i % 2 == 0).ToArray()),
            ["emb.present"] = Tensor.Ones(new long[] { b }, DType.Bool),
        };
        return inputs;
    }

    /// <summary>Per-modality logits [1, M, 2] whose softmax gives class 1 the probabilities <paramref name="p1"/>.</summary>
    private static Tensor BinaryLogits(params double[] p1) =>
        Tensor.From(p1.SelectMany(p => new[] { 0f, (float)Math.Log(p / (1 - p)) }).ToArray(), new long[] { 1, p1.Length, 2 });

    [Fact]
    public void OmegaOfTwoModalitiesIsTheOtherOnesMissRateToTheBeta()
    {
        using var scope = DisposeScope.Enter();
        var p = DwFuse.TargetProbability(BinaryLogits(0.8, 0.4), Tensor.From(new long[] { 1 }), multilabel: false);
        AssertClose(new[] { 0.8, 0.4 }, p);
        // ω_m = [Π_{n≠m}(1 − p_n[y])]^{β/(M−1)}, β = 0.5, M = 2.
        AssertClose(new[] { Math.Sqrt(0.6), Math.Sqrt(0.2) }, DwFuse.Omega(p, 0.5));
        // The true class 0: p_n[y] = 1 − p1.
        var p0 = DwFuse.TargetProbability(BinaryLogits(0.8, 0.4), Tensor.From(new long[] { 0 }), multilabel: false);
        AssertClose(new[] { Math.Sqrt(0.4), Math.Sqrt(0.8) }, DwFuse.Omega(p0, 0.5));
    }

    [Fact]
    public void OmegaOfThreeModalitiesMultipliesTheOthers()
    {
        using var scope = DisposeScope.Enter();
        // Three classes, true class 0 with probabilities 0.5, 0.2, 0.9.
        var probs = new[] { 0.5, 0.2, 0.9 }.SelectMany(p => new[] { p, (1 - p) / 2, (1 - p) / 2 }).Select(v => (float)Math.Log(v)).ToArray();
        var logits = Tensor.From(probs, new long[] { 1, 3, 3 });
        var p = DwFuse.TargetProbability(logits, Tensor.From(new long[] { 0 }), multilabel: false);
        AssertClose(new[] { 0.5, 0.2, 0.9 }, p);
        var e = 0.5 / 2;
        AssertClose(new[] { Math.Pow(0.8 * 0.1, e), Math.Pow(0.5 * 0.1, e), Math.Pow(0.5 * 0.8, e) }, DwFuse.Omega(p, 0.5));
        Assert.False(DwFuse.Omega(p.RequiresGrad_(), 0.5).RequiresGrad);
    }

    [Fact]
    public void MultilabelOmegaIsThePerLabelFactorAveraged()
    {
        using var scope = DisposeScope.Enter();
        // Two modalities, two labels; sigmoid probabilities and targets y = [1, 0].
        double[,] sig = { { 0.7, 0.2 }, { 0.6, 0.9 } };
        var logits = Tensor.From(Enumerable.Range(0, 4).Select(i => (float)Math.Log(sig[i / 2, i % 2] / (1 - sig[i / 2, i % 2]))).ToArray(), new long[] { 1, 2, 2 });
        var y = Tensor.From(new[] { 1f, 0f }, new long[] { 1, 2 });
        var p = DwFuse.TargetProbability(logits, y, multilabel: true);
        Assert.Equal(new long[] { 1, 2, 2 }, p.Shape);
        // p_n[y]: modality 0 → [0.7, 0.8], modality 1 → [0.6, 0.1]; ω_0 = mean((1 − [0.6, 0.1])^β), ω_1 = mean((1 − [0.7, 0.8])^β).
        AssertClose(new[] { (Math.Sqrt(0.4) + Math.Sqrt(0.9)) / 2, (Math.Sqrt(0.3) + Math.Sqrt(0.2)) / 2 }, DwFuse.Omega(p, 0.5));
    }

    [Fact]
    public void CraOutputIsTheInputPlusTheSumOfResiduals()
    {
        using var scope = DisposeScope.Enter();
        using var cra = new CascadeResidualAutoencoder(10, 3, 4);
        var v = Tensor.Randn(5, 10);
        var r = cra.Forward(v);
        Assert.Equal(4, r.Deltas.Count);
        Assert.All(r.Latents, s => Assert.Equal(new long[] { 5, 3 }, s.Shape));
        var sum = r.Deltas.Aggregate((a, b) => a + b);
        Assert.True((r.Output - v).AllClose(sum, 1e-5, 1e-5));
    }

    [Fact]
    public void DropMaskNeverDropsAllPresentModalitiesNorAbsentOnes()
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(3);
        var presence = Tensor.Rand(400, 3).Lt(0.7);
        var drop = OmniFuseModel.DropMask(presence, 0.95);
        var p = presence.ToArray2D<bool>();
        var d = drop.ToArray2D<bool>();
        var drops = 0;
        for (var i = 0; i < 400; i++)
        {
            var present = Enumerable.Range(0, 3).Count(m => p[i, m]);
            var kept = Enumerable.Range(0, 3).Count(m => p[i, m] && !d[i, m]);
            for (var m = 0; m < 3; m++) Assert.False(d[i, m] && !p[i, m]);
            if (present > 0) Assert.InRange(kept, 1, present); // never all: when every draw says drop, one is kept back
            if (present == 1) Assert.Equal(1, kept);
            drops += present - kept;
        }
        Assert.True(drops > 300);
    }

    [Fact]
    public void ForwardLossOnlyCountsTheModalitiesDroppedOnPurpose()
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(5);
        using var model = new OmniFuseModel(Config() with { PDrop = 0.5 });
        model.Train();
        var x = Inputs(8);
        var dropped = model.Forward(x);
        var clean = model.Forward(x, null, allowDrop: false);
        Assert.False(clean.AuxiliaryLosses.ContainsKey("imp_fw"));
        var present = Tensor.Stack(new[] { x["labs.present"], x["vitals.present"], x["emb.present"] }, 1).ToArray2D<bool>();
        var imputed = dropped.Feature("imputed").ToArray2D<float>();
        var restored = dropped.Feature("V_imputed").ToArray2D<float>();
        var truth = clean.Feature("V").ToArray2D<float>();
        double sum = 0;
        var slots = 0;
        for (var i = 0; i < 8; i++)
            for (var m = 0; m < 3; m++)
            {
                if (!(present[i, m] && imputed[i, m] > 0.5f)) continue;
                slots++;
                for (var j = 0; j < 8; j++) sum += Math.Pow(restored[i, m * 8 + j] - truth[i, m * 8 + j], 2) / 8;
            }
        Assert.True(slots > 0);
        Assert.Equal(sum / slots, dropped.AuxiliaryLosses["imp_fw"].Item<float>(), 4);
    }

    [Fact]
    public void TotalLossIsThePapersSumOfNamedTerms()
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(1);
        var config = Config();
        using var model = new OmniFuseModel(config);
        model.Train();
        var y = Tensor.From(new long[] { 0, 1, 1, 0, 1, 0 });
        var output = model.Forward(Inputs());
        var loss = model.Loss(output, y);
        Assert.Equal(new[] { "dw_enc", "dw_rs", "imp_bw", "imp_fw" }, loss.Terms.Keys.Order());
        var sum = loss.Terms.Values.Select(t => t.Item<float>()).Sum();
        Assert.Equal(sum, loss.Total.Item<float>(), 4);
        var ce = Functional.CrossEntropy(output.Logits, y).Item<float>();
        Assert.Equal(config.Lambda2 * config.Alpha * ce, loss.Terms["dw_rs"].Item<float>(), 4);
        var enc = DwFuse.EncoderLoss(output.Feature("modality_logits"), y, false, config.Beta).Item<float>();
        Assert.Equal(config.Lambda2 * enc, loss.Terms["dw_enc"].Item<float>(), 3);
        loss.Total.Backward();
        Assert.All(model.Parameters(), p => Assert.NotNull(p.Grad));
    }

    [Fact]
    public void EachAblationSwitchRemovesItsTerm()
    {
        using var scope = DisposeScope.Enter();
        var y = Tensor.From(new long[] { 0, 1, 1, 0, 1, 0 });
        LossTerms Terms(OmniFuseConfig c, out ModelOutput output)
        {
            Engine.ManualSeed(2);
            var model = new OmniFuseModel(c);
            model.Train();
            output = model.Forward(Inputs());
            return model.Loss(output, y);
        }
        var noFw = Terms(Config() with { UseImputation = false }, out var o1);
        Assert.DoesNotContain("imp_fw", noFw.Terms.Keys);
        Assert.True(o1.Feature("V").Equal(o1.Feature("V_imputed"))); // absent modalities stay zero-input encodings
        Assert.DoesNotContain("imp_bw", Terms(Config() with { UseBackward = false }, out _).Terms.Keys);
        var noDw = Terms(Config() with { UseDwfuse = false }, out var o3);
        Assert.Equal(new[] { "ce", "imp_bw", "imp_fw" }, noDw.Terms.Keys.Order());
        Assert.False(o3.Features.ContainsKey("omega"));
        Assert.Equal(10 * Functional.CrossEntropy(o3.Logits, y).Item<float>(), noDw.Terms["ce"].Item<float>(), 4);
    }

    [Fact]
    public void ForcedPresencePatternsAreImputedAndFlagged()
    {
        using var scope = DisposeScope.Enter();
        using var model = new OmniFuseModel(Config("multiclass", 3));
        model.Eval();
        var x = Inputs();
        var present = Tensor.Stack(new[] { x["labs.present"], x["vitals.present"], x["emb.present"] }, 1).ToArray2D<bool>();
        for (var mask = 1; mask < 8; mask++)
        {
            var keep = Enumerable.Range(0, 3).Select(m => (mask & (1 << m)) != 0).ToArray();
            var output = model.Forward(x, keep);
            Assert.False(output.AuxiliaryLosses.ContainsKey("imp_fw"));
            Assert.True(output.Logits.IsFinite().All().Item<bool>());
            var imputed = output.Feature("imputed").ToArray2D<float>();
            var omega = output.Feature("omega");
            Assert.Equal(new long[] { 6, 3 }, omega.Shape);
            Assert.True(omega.Ge(0.0).LogicalAnd(omega.Le(1.0)).All().Item<bool>());
            for (var i = 0; i < 6; i++)
                for (var m = 0; m < 3; m++) Assert.Equal(present[i, m] && keep[m] ? 0f : 1f, imputed[i, m]);
        }
        Assert.Contains("3 modalities", Assert.Throws<ArgumentException>(() => model.Forward(x, new[] { true })).Message);
        Assert.Equal(new[] { "labs", "vitals", "emb" }, model.ModalityNames);
    }

    [Fact]
    public void MultilabelForwardAndLossShapes()
    {
        using var scope = DisposeScope.Enter();
        using var model = new OmniFuseModel(Config("multilabel", 4));
        model.Train();
        var output = model.Forward(Inputs());
        Assert.Equal(new long[] { 6, 4 }, output.Logits.Shape);
        Assert.Equal(new long[] { 6, 3, 4 }, output.Feature("modality_logits").Shape);
        Assert.Equal(new long[] { 6, 3 }, output.Feature("omega").Shape);
        Assert.Equal(new long[] { 6, 3 * 4 }, output.Feature("S").Shape);
        Assert.Equal(new long[] { 6, 3 * 8 }, output.Feature("V_imputed").Shape);
        var y = Tensor.Rand(6, 4).Gt(0.5).To(DType.Float32);
        var loss = model.MultilabelLoss(output, y);
        Assert.Equal(0, loss.Total.Dim);
        Assert.True(double.IsFinite(loss.Total.Item<float>()));
        var bce = Functional.BinaryCrossEntropyWithLogits(output.Logits, y).Item<float>();
        Assert.Equal(10 * 0.1 * bce, loss.Terms["dw_rs"].Item<float>(), 4);
        loss.Total.Backward();
        Assert.All(model.Parameters(), p => Assert.NotNull(p.Grad));
    }

    [Fact]
    public void RegistryBuildsItAndRejectsBadSettings()
    {
        using var scope = DisposeScope.Enter();
        using var model = MethodRegistry.Create("omnifuse", new Dictionary<string, object?>
        {
            ["modality_shapes"] = Shapes, ["embed_dim"] = "8", ["latent_dim"] = "4", ["modalities"] = "[vitals, labs]",
        });
        Assert.Equal(new[] { "vitals", "labs" }, model.Modalities);
        var keys = MethodRegistry.Get("omnifuse").ConfigKeys;
        foreach (var key in new[] { "num_autoencoders", "latent_dim", "alpha", "beta", "lambda1", "lambda2", "lambda3", "p_drop",
                     "classifier_hidden", "use_imputation", "use_backward", "use_dwfuse", "use_tla", "task" })
            Assert.Contains(key, keys);
        Assert.Contains("p_drop", Assert.Throws<ArgumentException>(() => MethodRegistry.Create("omnifuse",
            new Dictionary<string, object?> { ["modality_shapes"] = Shapes, ["p_drop"] = "1" })).Message);
        Assert.Contains("task", Assert.Throws<ArgumentException>(() => MethodRegistry.Create("omnifuse",
            new Dictionary<string, object?> { ["modality_shapes"] = Shapes, ["task"] = "regression" })).Message);
    }

    private static void AssertClose(double[] expected, Tensor actual)
    {
        var values = actual.To(DType.Float64).Reshape(-1).ToArray<double>();
        Assert.Equal(expected.Length, values.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], values[i], 5);
    }
}
