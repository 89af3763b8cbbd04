using Medley.Torch.NN;
using Medley.Torch.Optim;

namespace Medley.Torch.Tests;

/// <summary>
/// Acceptance: a 2-layer MLP and a small CNN, built from Medley layers, loaded with torch's initial weights and trained
/// on the same data with the same optimiser, follow PyTorch's loss curve within 1e-4 at each of 50 steps
/// (fixture training_curves, made by tests/reference/make_training_fixtures.py).
/// </summary>
public class TrainingCurveTests
{
    private const int Steps = 50;
    private const double Tolerance = 1e-4;

    private sealed class Mlp : Module<Tensor, Tensor>
    {
        private readonly Linear fc1 = new(8, 16);
        private readonly ReLU relu = new();
        private readonly Linear fc2 = new(16, 3);

        public override Tensor Forward(Tensor x) => fc2.Forward(relu.Forward(fc1.Forward(x)));
    }

    private sealed class Cnn : Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1 = new(1, 4, 3, padding: 1);
        private readonly Conv2d conv2 = new(4, 8, 3, padding: 1);
        private readonly MaxPool2d pool = new(2);
        private readonly Flatten flatten = new();
        private readonly Linear fc = new(8 * 2 * 2, 3);

        public override Tensor Forward(Tensor x)
        {
            x = pool.Forward(Functional.Relu(conv1.Forward(x)));
            x = pool.Forward(Functional.Relu(conv2.Forward(x)));
            return fc.Forward(flatten.Forward(x));
        }
    }

    private static double[] Train(Module<Tensor, Tensor> model, Optimizer optimizer, IReadOnlyList<(Tensor X, Tensor Y)> batches)
    {
        var losses = new double[Steps];
        for (var step = 0; step < Steps; step++)
        {
            using var scope = DisposeScope.Enter();
            var (x, y) = batches[step % batches.Count];
            optimizer.ZeroGrad();
            var loss = Functional.CrossEntropy(model.Forward(x), y);
            loss.Backward();
            optimizer.Step();
            losses[step] = loss.Item();
        }
        return losses;
    }

    private static void AssertCurve(Fixture f, string name, double[] losses)
    {
        var expected = f[$"{name}.losses"].ToArray<double>();
        Assert.Equal(Steps, expected.Length);
        for (var step = 0; step < Steps; step++)
            Assert.True(Math.Abs(losses[step] - expected[step]) <= Tolerance,
                $"{name}: loss at step {step} is {losses[step]:R}, PyTorch's is {expected[step]:R} (tolerance {Tolerance})");
        Assert.True(losses[^1] < losses[0] * 0.5, $"{name} should learn: {losses[0]} → {losses[^1]}");
    }

    [Fact]
    public void MlpWithAdamFollowsPyTorchLossCurve()
    {
        using var scope = DisposeScope.Enter();
        using var f = Fixture.Load("training_curves");
        using var model = new Mlp();
        model.LoadStateDict(f.WithPrefix("mlp.init."));
        using var adam = new Adam(model.Parameters(), learningRate: 1e-2);
        AssertCurve(f, "mlp", Train(model, adam, new[] { (f["mlp.x"], f["mlp.y"]) }));
    }

    [Fact]
    public void CnnWithAdamWOnMiniBatchesFollowsPyTorchLossCurve()
    {
        using var scope = DisposeScope.Enter();
        using var f = Fixture.Load("training_curves");
        using var model = new Cnn();
        model.LoadStateDict(f.WithPrefix("cnn.init."));
        using var adamW = new AdamW(model.Parameters(), learningRate: 5e-3, weightDecay: 0.01);
        var batches = new List<(Tensor, Tensor)>();
        for (var b = 0; b < 4; b++) batches.Add((f[$"cnn.batch.{b}.x"], f[$"cnn.batch.{b}.y"]));
        AssertCurve(f, "cnn", Train(model, adamW, batches));
    }
}
