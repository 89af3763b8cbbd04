using Medley.Torch.NN;

namespace Medley.Torch.Tests;

/// <summary>Small end-to-end models built from Medley's layers match PyTorch: forward and every parameter gradient.</summary>
public class ReferenceModelTests
{
    /// <summary>conv-bn-relu-pool ×2 + linear, as small_cnn() in make_layers_fixtures.py.</summary>
    private static Sequential SmallCnn(DType dtype = DType.Float32) => new(
        new Conv2d(3, 8, 3, padding: 1, dtype: dtype), new BatchNorm2d(8, dtype: dtype), new ReLU(), new MaxPool2d(2),
        new Conv2d(8, 16, 3, padding: 1, dtype: dtype), new BatchNorm2d(16, dtype: dtype), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Linear(16 * 4 * 4, 10, dtype: dtype));

    /// <summary>Token embedding + 2 encoder layers + mean over positions + linear head (SmallTransformer in Python).</summary>
    private sealed class SmallTransformer : Module
    {
        private readonly Embedding embed;
        private readonly TransformerEncoder encoder;
        private readonly Linear head;

        public SmallTransformer(int vocab = 20, int d = 16, int heads = 4, int ff = 32, int layers = 2, int classes = 3)
        {
            embed = new Embedding(vocab, d);
            using var template = new TransformerEncoderLayer(d, heads, ff, dropout: 0.1, batchFirst: true);
            encoder = new TransformerEncoder(template, layers);
            head = new Linear(d, classes);
        }

        public Tensor Forward(Tensor tokens, Tensor padding) =>
            head.Forward(encoder.Forward(embed.Forward(tokens), null, padding).Mean(1));
    }

    [Fact]
    public void SmallCnnInTrainingModeMatchesPyTorchIncludingRunningStatistics()
    {
        // The reference is computed in float64 from the same float32 weights and inputs; running the model in
        // float64 too compares the layers' maths rather than float32 rounding (a training-mode batch norm's backward
        // cancels heavily, so float32 gradients differ from float64 ones by ~1e-5 relative in PyTorch itself).
        using var scope = DisposeScope.Enter();
        using var fixture = Fixture.Load("layers_models");
        var r = new LayerReference(fixture, "cnn");
        using var cnn = SmallCnn(DType.Float64);
        r.LoadInto(cnn);
        cnn.Train();
        var x = r.Input("x").To(DType.Float64).RequiresGrad_();
        var output = cnn.Forward(x);
        r.CheckOutput(output);
        r.Backward(output);
        r.CheckInputGrad("x", x);
        r.CheckParameterGrads(cnn);
        foreach (var (name, buffer) in cnn.NamedBuffers().Where(b => b.Name.Contains("running")))
            AssertClose.Equal(fixture[$"cnn.after.{name}"], buffer, what: $"updated {name}");
    }

    [Fact]
    public void SmallCnnInFloat32StaysWithinFloat32RoundingOfTheReference()
    {
        using var scope = DisposeScope.Enter();
        using var fixture = Fixture.Load("layers_models");
        var r = new LayerReference(fixture, "cnn");
        using var cnn = SmallCnn();
        r.LoadInto(cnn);
        cnn.Train();
        var x = r.Input("x", requiresGrad: true);
        var output = cnn.Forward(x);
        r.CheckOutput(output);
        r.Backward(output);
        r.CheckInputGrad("x", x);
        // The first conv's gradient sums 1024 terms per weight through a training-mode batch norm: PyTorch's own
        // float32 result is 8.5e-6 away from the float64 one at a scale of 11.8.
        r.CheckParameterGrads(cnn, atolOfScale: 2e-6);
    }

    [Fact]
    public void SmallTransformerMatchesPyTorch()
    {
        using var scope = DisposeScope.Enter();
        using var fixture = Fixture.Load("layers_models");
        var r = new LayerReference(fixture, "transformer");
        using var model = new SmallTransformer();
        r.LoadInto(model);
        model.Eval();
        var output = model.Forward(r.Input("tokens"), r.Input("pad"));
        r.CheckOutput(output);
        r.Backward(output);
        r.CheckParameterGrads(model);
    }
}
