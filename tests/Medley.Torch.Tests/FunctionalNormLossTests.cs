using Medley.Torch.NN;
using F = Medley.Torch.NN.Functional;

namespace Medley.Torch.Tests;

public class FunctionalNormLossTests
{
    [Fact]
    public void NormalisationMatchesPyTorch()
    {
        using var f = Fixture.Load("nn_normact");
        FunctionalCase.Check(f, "layernorm", t => F.LayerNorm(t["x"], [3, 4], t["w"], t["b"], eps: 1e-4));
        FunctionalCase.Check(f, "groupnorm", t => F.GroupNorm(t["x"], 2, t["w"], t["b"]));
        FunctionalCase.Check(f, "instancenorm", t => F.InstanceNorm(t["x"], weight: t["w"], bias: t["b"]));
        FunctionalCase.Check(f, "normalize", t => F.Normalize(t["x"], dim: 1));
        FunctionalCase.Check(f, "normalize_p1", t => F.Normalize(t["x"], p: 1, dim: -1));
        FunctionalCase.Check(f, "batchnorm_eval", t => F.BatchNorm(t["x"], t["rm"], t["rv"], t["w"], t["b"], training: false, eps: 1e-3));
    }

    [Fact]
    public void BatchNormTrainingUpdatesRunningStatsInPlace()
    {
        using var f = Fixture.Load("nn_normact");
        using var scope = DisposeScope.Enter();
        var rm = f["batchnorm_train.rm_before"].Clone();
        var rv = f["batchnorm_train.rv_before"].Clone();
        FunctionalCase.Check(f, "batchnorm_train", t => F.BatchNorm(t["x"], rm, rv, t["w"], t["b"], training: true, momentum: 0.2));
        AssertClose.Equal(f["batchnorm_train.rm_after"], rm, what: "running mean");
        AssertClose.Equal(f["batchnorm_train.rv_after"], rv, what: "running var");
        Assert.Throws<ArgumentException>(() => F.BatchNorm(Tensor.Randn(1, 3), null, null, training: true));
        Assert.Throws<ArgumentException>(() => F.BatchNorm(Tensor.Randn(4, 3), rm.Reshape(3, 1), rv));
    }

    [Fact]
    public void ActivationsEmbeddingAndOneHotMatchPyTorch()
    {
        using var f = Fixture.Load("nn_normact");
        FunctionalCase.Check(f, "relu", t => F.Relu(t["x"]));
        FunctionalCase.Check(f, "leaky_relu", t => F.LeakyRelu(t["x"], 0.2));
        FunctionalCase.Check(f, "gelu", t => F.Gelu(t["x"]));
        FunctionalCase.Check(f, "gelu_tanh", t => F.Gelu(t["x"], "tanh"));
        FunctionalCase.Check(f, "sigmoid", t => F.Sigmoid(t["x"]));
        FunctionalCase.Check(f, "tanh", t => F.Tanh(t["x"]));
        FunctionalCase.Check(f, "silu", t => F.Silu(t["x"]));
        FunctionalCase.Check(f, "softmax", t => F.Softmax(t["x"], 1));
        FunctionalCase.Check(f, "log_softmax", t => F.LogSoftmax(t["x"], -1));
        FunctionalCase.Check(f, "embedding", t => F.Embedding(t["idx"], t["w"], paddingIdx: 0));
        FunctionalCase.Check(f, "one_hot", t => F.OneHot(t["idx"], 6));

        using var scope = DisposeScope.Enter();
        var w = Tensor.Randn(5, 3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => F.Embedding(Tensor.From(new long[] { 1, 5 }), w));
        Assert.Contains("index 5 is out of range", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => F.OneHot(Tensor.From(new long[] { 0, 3 }), 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => F.Softmax(w, 2));
        Assert.Throws<ArgumentException>(() => F.Gelu(w, "fast"));
    }

    [Fact]
    public void DropoutFollowsTrainingFlagAndGlobalSeed()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.Ones(200, 50);
        Assert.Equal(x.ToArray<float>(), F.Dropout(x, 0.3, training: false).ToArray<float>());
        Engine.ManualSeed(11);
        var a = F.Dropout(x, 0.3).ToArray<float>();
        Engine.ManualSeed(11);
        var b = F.Dropout(x, 0.3).ToArray<float>();
        Assert.Equal(a, b);
        Assert.All(a, v => Assert.True(v == 0f || Math.Abs(v - 1 / 0.7f) < 1e-6));
        var zeroFraction = a.Count(v => v == 0) / (double)a.Length;
        Assert.InRange(zeroFraction, 0.25, 0.35);
        // Dropout2d zeroes whole channels
        var y = F.Dropout2d(Tensor.Ones(8, 16, 3, 3), 0.5).Reshape(8 * 16, 9).ToArray<float>();
        for (var c = 0; c < 8 * 16; c++)
        {
            var row = y.Skip(c * 9).Take(9).Distinct().ToArray();
            Assert.Single(row);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => F.Dropout(x, 1.5));
        Assert.Throws<ArgumentException>(() => F.Dropout2d(Tensor.Ones(3, 3), 0.5));
    }

    [Fact]
    public void LossesMatchPyTorch()
    {
        using var f = Fixture.Load("nn_loss");
        FunctionalCase.Check(f, "ce", t => F.CrossEntropy(t["x"], t["t"]));
        FunctionalCase.Check(f, "ce_sum_ignore", t => F.CrossEntropy(t["x"], t["t"], reduction: Reduction.Sum));
        FunctionalCase.Check(f, "ce_weight_smooth_ignore", t => F.CrossEntropy(t["x"], t["t"], t["w"], ignoreIndex: 7, labelSmoothing: 0.1));
        FunctionalCase.Check(f, "ce_none_spatial", t => F.CrossEntropy(t["x"], t["t"], reduction: Reduction.None, labelSmoothing: 0.2));
        FunctionalCase.Check(f, "ce_probs", t => F.CrossEntropy(t["x"], t["t"], t["w"], labelSmoothing: 0.05));
        FunctionalCase.Check(f, "nll", t => F.NllLoss(t["x"], t["t"], t["w"], ignoreIndex: 7));
        FunctionalCase.Check(f, "bce_logits", t => F.BinaryCrossEntropyWithLogits(t["x"], t["t"], t["w"], t["pw"]));
        FunctionalCase.Check(f, "bce_logits_sum", t => F.BinaryCrossEntropyWithLogits(t["x"], t["t"], reduction: Reduction.Sum));
        FunctionalCase.Check(f, "bce", t => F.BinaryCrossEntropy(F.Sigmoid(t["x"]), t["t"], t["w"]));
        FunctionalCase.Check(f, "mse", t => F.MseLoss(t["x"], t["t"]));
        FunctionalCase.Check(f, "mse_none", t => F.MseLoss(t["x"], t["t"], Reduction.None));
        FunctionalCase.Check(f, "l1", t => F.L1Loss(t["x"], t["t"], Reduction.Sum));
        FunctionalCase.Check(f, "smooth_l1", t => F.SmoothL1Loss(t["x"], t["t"], beta: 0.5));
        FunctionalCase.Check(f, "cosine", t => F.CosineSimilarity(t["a"], t["b"], dim: 1));
        FunctionalCase.Check(f, "cosine_bcast", t => F.CosineSimilarity(t["a"], t["b"], dim: -1, eps: 1e-6));
    }

    [Fact]
    public void LossesRejectBadTargetsWithManagedExceptions()
    {
        using var scope = DisposeScope.Enter();
        var logits = Tensor.Randn(3, 4);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => F.CrossEntropy(logits, Tensor.From(new long[] { 0, 4, 1 })));
        Assert.Contains("target 4 is out of range", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => F.CrossEntropy(logits, Tensor.From(new long[] { 0, -1, 1 })));
        Assert.Throws<ArgumentOutOfRangeException>(() => F.NllLoss(logits, Tensor.From(new long[] { 0, 9, 1 }), ignoreIndex: 7));
        // the ignore index itself is allowed
        Assert.Equal(0, F.CrossEntropy(logits, Tensor.From(new long[] { -100, -100, 2 }), reduction: Reduction.None).ToArray<float>()[0]);
        var shape = Assert.Throws<ArgumentException>(() => F.CrossEntropy(logits, Tensor.From(new long[] { 0, 1 })));
        Assert.Contains("must have shape [3]", shape.Message);
        Assert.Throws<ArgumentException>(() => F.CrossEntropy(logits, Tensor.From(new int[] { 0, 1, 2 })));
        Assert.Throws<ArgumentException>(() => F.CrossEntropy(logits, Tensor.Rand(3, 5)));
        Assert.Throws<ArgumentException>(() => F.CrossEntropy(logits, Tensor.From(new long[] { 0, 1, 2 }), Tensor.Ones(3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => F.CrossEntropy(logits, Tensor.From(new long[] { 0, 1, 2 }), labelSmoothing: 1.5));
        var mse = Assert.Throws<ArgumentException>(() => F.MseLoss(Tensor.Randn(3, 4), Tensor.Randn(4, 3)));
        Assert.Contains("differs from input shape", mse.Message);
        Assert.Throws<ArgumentException>(() => F.L1Loss(Tensor.Randn(3, 4), Tensor.Randn(3, 1)));
        Assert.Throws<ArgumentException>(() => F.BinaryCrossEntropyWithLogits(Tensor.Randn(3), Tensor.Rand(3, 1)));
        Assert.Throws<TorchException>(() => F.BinaryCrossEntropy(Tensor.Randn(3).Add(5.0), Tensor.Rand(3)));
    }
}
