using Medley.Torch.NN;

namespace Medley.Torch.Tests;

/// <summary>Layers built in C#, loaded with PyTorch's state dict, compared on output and input/parameter gradients.</summary>
public class LayerTests
{
    private static void Check(Fixture f, string name, Module<Tensor, Tensor> layer, string inputKey = "x")
    {
        using var scope = DisposeScope.Enter();
        layer.LoadStateDict(f.WithPrefix(name + ".sd."));
        var x = f[$"{name}.{inputKey}"].Detach();
        var differentiable = x.DType.IsFloatingPoint();
        if (differentiable) x.RequiresGrad_();
        var output = layer.Forward(x);
        AssertClose.Equal(f[name + ".out"], output, what: name + " output");
        (output * f[name + ".r"]).Sum().Backward();
        if (differentiable) AssertClose.Equal(f[name + ".grad.x"], x.Grad!, what: name + " grad x");
        var count = 0;
        foreach (var (pname, p) in layer.NamedParameters())
        {
            AssertClose.Equal(f[$"{name}.pgrad.{pname}"], p.Grad!, what: $"{name} grad {pname}");
            count++;
        }
        Assert.True(count > 0);
    }

    [Fact]
    public void ConvolutionLayersMatchPyTorch()
    {
        using var f = Fixture.Load("nn_layers");
        using (var m = new Conv2d(4, 6, 3, stride: 2, padding: 1, groups: 2, dtype: DType.Float64)) Check(f, "conv2d", m);
        using (var m = new Conv2d(2, 3, [3, 4], "same", bias: false, paddingMode: PaddingMode.Reflect, dtype: DType.Float64)) Check(f, "conv2d_same_reflect", m);
        using (var m = new Conv1d(3, 2, 3, dilation: 2, dtype: DType.Float64)) Check(f, "conv1d", m);
        using (var m = new Conv3d(2, 3, [2], padding: [1, 0, 0], dtype: DType.Float64)) Check(f, "conv3d", m);
        using (var m = new ConvTranspose2d(3, 2, 3, stride: 2, padding: 1, outputPadding: 1, dtype: DType.Float64)) Check(f, "convt2d", m);
        using (var m = new ConvTranspose3d(2, 2, 2, stride: 2, dtype: DType.Float64)) Check(f, "convt3d", m);
    }

    [Fact]
    public void NormalizationAndEmbeddingLayersMatchPyTorch()
    {
        using var f = Fixture.Load("nn_layers");
        using (var m = new LayerNorm(4, dtype: DType.Float64)) Check(f, "layernorm", m);
        using (var m = new GroupNorm(2, 4, dtype: DType.Float64)) Check(f, "groupnorm", m);
        using (var m = new Embedding(6, 3, paddingIdx: 2, dtype: DType.Float64)) Check(f, "embedding", m, "idx");
    }

    [Fact]
    public void BatchNormTrainStepUpdatesRunningStatsThenEvalUsesThem()
    {
        using var f = Fixture.Load("nn_layers");
        using var bn = new BatchNorm2d(3, momentum: 0.3, dtype: DType.Float64);
        Check(f, "bn_train", bn);
        // the running statistics persist outside the test's scopes and match PyTorch's after one step
        var after = f.WithPrefix("bn_train.after.");
        AssertClose.Equal(after["running_mean"], bn.RunningMean!, what: "running_mean");
        AssertClose.Equal(after["running_var"], bn.RunningVar!, what: "running_var");
        Assert.Equal(1L, bn.NumBatchesTracked!.ItemLong());
        Assert.Equal(DType.Int64, bn.NumBatchesTracked.DType);
        bn.Eval();
        using var scope = DisposeScope.Enter();
        AssertClose.Equal(f["bn_eval.out"], bn.Forward(f["bn_eval.x"]), what: "eval output");
        Assert.Equal(1L, bn.NumBatchesTracked.ItemLong());
        Assert.Equal(new[] { "weight", "bias", "running_mean", "running_var", "num_batches_tracked" },
            bn.StateDict().Keys.ToArray());
    }

    [Fact]
    public void BatchNormWithoutMomentumKeepsACumulativeAverage()
    {
        using var f = Fixture.Load("nn_layers");
        using var bn = new BatchNorm1d(4, momentum: null, dtype: DType.Float64);
        bn.LoadStateDict(f.WithPrefix("bn1d_cma.sd."));
        using (var scope = DisposeScope.Enter())
        {
            var x = f["bn1d_cma.x"];
            bn.Forward(x);
            bn.Forward(x * 2.0 + 1.0);
        }
        var after = f.WithPrefix("bn1d_cma.after.");
        AssertClose.Equal(after["running_mean"], bn.RunningMean!, what: "running_mean");
        AssertClose.Equal(after["running_var"], bn.RunningVar!, what: "running_var");
        AssertClose.Equal(after["num_batches_tracked"], bn.NumBatchesTracked!, what: "num_batches_tracked");
    }

    [Fact]
    public void LayersValidateTheirInputs()
    {
        using var scope = DisposeScope.Enter();
        using var conv = new Conv2d(3, 8, 3);
        var e = Assert.Throws<ArgumentException>(() => conv.Forward(Tensor.Randn(1, 4, 8, 8)));
        Assert.Contains("expected input with 3 channels", e.Message);
        Assert.Contains("got 4 channels", e.Message);
        using var bn = new BatchNorm2d(3);
        Assert.Throws<ArgumentException>(() => bn.Forward(Tensor.Randn(2, 3, 4)));
        Assert.Throws<ArgumentException>(() => bn.Forward(Tensor.Randn(2, 5, 4, 4)));
        using var ln = new LayerNorm(4);
        Assert.Throws<ArgumentException>(() => ln.Forward(Tensor.Randn(2, 5)));
        Assert.Throws<ArgumentException>(() => new GroupNorm(3, 4));
        Assert.Throws<ArgumentException>(() => new Conv2d(3, 8, 3, groups: 2));
    }

    [Fact]
    public void DefaultInitialisationAndNamesFollowPyTorch()
    {
        using var conv = new Conv2d(4, 6, 3);
        Assert.Equal(new long[] { 6, 4, 3, 3 }, conv.Weight.Shape);
        var bound = 1 / Math.Sqrt(4 * 9);
        Assert.All(conv.Weight.ToArray<float>(), v => Assert.InRange(v, -bound, bound));
        using var convT = new ConvTranspose2d(4, 6, 3, groups: 2);
        Assert.Equal(new long[] { 4, 3, 3, 3 }, convT.Weight.Shape);
        using var emb = new Embedding(5, 3, paddingIdx: 1);
        var w = emb.Weight.ToArray<float>();
        Assert.Equal(new float[] { 0, 0, 0 }, w.Skip(3).Take(3).ToArray());
        using var lstm = new LSTM(4, 3, numLayers: 2, bidirectional: true);
        Assert.Equal(new[]
            {
                "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
                "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse",
            },
            lstm.NamedParameters().Select(p => p.Name).ToArray());
        Assert.Equal(new long[] { 12, 6 }, lstm.NamedParameters().First(p => p.Name == "weight_ih_l1").Parameter.Shape);
    }

    [Fact]
    public void DropoutAndActivationModulesFollowMode()
    {
        using var scope = DisposeScope.Enter();
        using var drop = new Dropout(0.5);
        var x = Tensor.Ones(100);
        Assert.Contains(0f, drop.Forward(x).ToArray<float>());
        drop.Eval();
        Assert.Equal(x.ToArray<float>(), drop.Forward(x).ToArray<float>());
        var v = Tensor.From(new float[] { -1, 0.5f, 2 });
        using var relu = new ReLU();
        Assert.Equal(new float[] { 0, 0.5f, 2 }, relu.Forward(v).ToArray<float>());
        using var flatten = new Flatten();
        Assert.Equal(new long[] { 2, 60 }, flatten.Forward(Tensor.Ones(2, 3, 4, 5)).Shape);
        using var flatten2 = new Flatten(1, 2);
        Assert.Equal(new long[] { 2, 12, 5 }, flatten2.Forward(Tensor.Ones(2, 3, 4, 5)).Shape);
        using var identity = new Identity();
        Assert.Equal(v.ToArray<float>(), identity.Forward(v).ToArray<float>());
        using var pool = new AdaptiveAvgPool2d(1);
        Assert.Equal(new long[] { 2, 3, 1, 1 }, pool.Forward(Tensor.Ones(2, 3, 5, 4)).Shape);
        using var mp = new MaxPool2d(2);
        Assert.Equal(new long[] { 1, 2, 2, 3 }, mp.Forward(Tensor.Ones(1, 2, 5, 6)).Shape);
        using var gelu = new GELU();
        using var silu = new SiLU();
        using var sig = new Sigmoid();
        using var tanh = new Tanh();
        var xs = new[] { -1.0, 0.5, 2.0 };
        double Sig(double t) => 1 / (1 + Math.Exp(-t));
        var expectedSig = xs.Select(Sig).ToArray();
        var expectedSilu = xs.Select(t => t * Sig(t)).ToArray();
        var expectedTanh = xs.Select(Math.Tanh).ToArray();
        var gotSig = sig.Forward(v).ToArray<float>();
        var gotSilu = silu.Forward(v).ToArray<float>();
        var gotTanh = tanh.Forward(v).ToArray<float>();
        var gotGelu = gelu.Forward(v).ToArray<float>();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(expectedSig[i], gotSig[i], 5);
            Assert.Equal(expectedSilu[i], gotSilu[i], 5);
            Assert.Equal(expectedTanh[i], gotTanh[i], 5);
        }
        Assert.Equal(1.9544997, gotGelu[2], 5);
    }
}
