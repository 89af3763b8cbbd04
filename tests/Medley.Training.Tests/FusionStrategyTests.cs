using Medley.Data.Batching;
using Medley.Data.Spec;
using Medley.Models;
using Medley.Models.Methods;
using Medley.Models.Methods.FusionBaselines;
using Medley.Torch;
using Medley.Torch.NN;
using Medley.Torch.Optim;
using Medley.Training.Strategies;

namespace Medley.Training.Tests;

/// <summary>The defining mechanisms of the G-Blend, OGM-GE and PMR training strategies, on tiny models and batches.</summary>
public sealed class FusionStrategyTests
{
    private const string Shapes = "image:image:3x16x16;vitals:timeseries:6x4;report:text:12:50";
    private static readonly string[] Names = { "image", "vitals", "report" };

    private static FusionBaselineModel Create(string method, int classes = 3, params (string Key, object? Value)[] extra)
    {
        var values = new Dictionary<string, object?>
        {
            ["modality_shapes"] = Shapes, ["num_classes"] = classes, ["embed_dim"] = 8, ["hidden"] = 6, ["image_encoder"] = "cnn",
            ["text_heads"] = 2, ["head_hidden"] = 8,
        };
        foreach (var (k, v) in extra) values[k] = v;
        return (FusionBaselineModel)MethodRegistry.Create(method, values);
    }

    /// <summary>Batches made afresh each epoch from a seed: 3 modalities, some samples missing some of them.</summary>
    private sealed class MemorySource(int batches, int batchSize, int classes, bool multilabel, ulong seed) : IBatchSource
    {
        public int BatchCount => batches;

        public IEnumerable<ModalityBatch> Epoch(int epoch)
        {
            for (var b = 0; b < batches; b++) yield return Make(b);
        }

        public ModalityBatch Make(int index)
        {
            using var g = new Generator(seed * 1000 + (ulong)index);
            var n = batchSize;
            var present = new Dictionary<string, Tensor>();
            var inputs = new Dictionary<string, Tensor>
            {
                ["image"] = Tensor.Randn(new long[] { n, 3, 16, 16 }, g),
                ["vitals"] = Tensor.Randn(new long[] { n, 6, 4 }, g),
                ["report"] = Tensor.Randint(1, 50, new long[] { n, 12 }, g),
            };
            for (var m = 0; m < Names.Length; m++)
                present[Names[m]] = Tensor.From(Enumerable.Range(0, n).Select(i => (i + index + m) % 4 != 0).ToArray());
            var masks = new Dictionary<string, Tensor> { ["report"] = Tensor.Ones(new long[] { n, 12 }, DType.Int64) };
            var labels = multilabel
                ? Tensor.Randint(0, 2, new long[] { n, classes }, g).To(DType.Float32)
                : Tensor.From(Enumerable.Range(0, n).Select(i => (long)((i + index) % classes)).ToArray());
            foreach (var t in inputs.Values.Concat(present.Values).Concat(masks.Values).Append(labels)) t.DetachFromScope();
            return new ModalityBatch(Enumerable.Range(0, n).Select(i => $"s{index}_{i}").ToList(), Enumerable.Range(0, n).ToList(),
                inputs, present, masks, labels);
        }
    }

    private static InputBinding Binding() =>
        new(Names.ToDictionary(n => n, n => n), new Dictionary<string, ModalityKind>
        {
            ["image"] = ModalityKind.Image, ["vitals"] = ModalityKind.Timeseries, ["report"] = ModalityKind.Text,
        });

    private static TrainingStepContext Context(MedleyModel model, Optimizer optimizer, TaskKind task, IBatchSource train, IBatchSource? val, int epoch = 1) =>
        new(model, optimizer, new TrainingOptions { Epochs = 2, WarmupEpochs = 0, LearningRate = 1e-3 }, Binding(), task, epoch)
        { Train = train, Validation = val };

    private static void Close(Tensor expected, Tensor actual, double rtol = 1e-5, string what = "") =>
        Assert.True(expected.AllClose(actual, rtol, 1e-6), $"{what}: expected {string.Join(", ", expected.Flatten().ToArray<float>().Take(6))}…, got {string.Join(", ", actual.Flatten().ToArray<float>().Take(6))}…");

    [Fact]
    public void GBlendWeightsFollowTheMeasuredOverfittingToGeneralisationRatios()
    {
        // Heads image, vitals, fused. w_k ∝ ΔG_k / ΔO_k², ΔG = L^V(start) − L^V(end), ΔO = O(end) − O(start), O = L^V − L^T.
        var start = new[] { new HeadLosses(1.0, 1.2), new HeadLosses(1.0, 1.1), new HeadLosses(1.0, 1.0) };
        var end = new[] { new HeadLosses(0.6, 1.0), new HeadLosses(0.8, 1.0), new HeadLosses(0.5, 1.05) };
        // image: ΔG 0.2, O 0.2 → 0.4, ΔO 0.2 → 0.2 / 0.04 = 5. vitals: ΔG 0.1, O 0.1 → 0.2 → 0.1 / 0.01 = 10.
        // fused: validation loss rose (ΔG < 0) → 0. Normalised: 1/3, 2/3, 0.
        var w = GBlendStrategy.ComputeWeights(start, end);
        Assert.Equal(1.0 / 3, w[0], 9);
        Assert.Equal(2.0 / 3, w[1], 9);
        Assert.Equal(0.0, w[2], 12);
        // No head generalised: uniform.
        Assert.Equal(new[] { 0.5, 0.5 }, GBlendStrategy.ComputeWeights(new[] { start[2], start[2] }, new[] { end[2], end[2] }));
    }

    [Fact]
    public void GBlendTrainsTheBlendedLossAndLogsWeightsThatSumToOne()
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(3);
        using var model = (GBlendModel)Create("g-blend");
        var strategy = (GBlendStrategy)StrategyRegistry.For("g-blend", model);
        using var optimizer = new AdamW(model.Parameters(), 1e-3);
        var train = new MemorySource(2, 6, 3, false, 1);
        var val = new MemorySource(1, 6, 3, false, 2);
        Assert.Equal(new[] { 0.25, 0.25, 0.25, 0.25 }, strategy.Weights);
        for (var epoch = 1; epoch <= 2; epoch++)
        {
            var context = Context(model, optimizer, TaskKind.Multiclass, train, val, epoch);
            model.Train();
            strategy.OnEpochStart(context);
            foreach (var batch in train.Epoch(epoch))
            {
                using var owned = batch;
                using var step = DisposeScope.Enter();
                Assert.True(double.IsFinite(strategy.Step(context, batch)));
            }
            var columns = strategy.OnEpochEnd(context);
            Assert.Equal(new[] { "gblend_w_fused", "gblend_w_image", "gblend_w_report", "gblend_w_vitals" }, columns.Keys.Order());
            Assert.Equal(1.0, columns.Values.Sum(), 9);
            Assert.All(columns.Values, v => Assert.True(v >= 0));
        }
        // The training loss is Σ_k w_k·L_k over the auxiliary heads and the fused head.
        using var probe = train.Make(0);
        var output = model.Forward(Binding().Inputs(probe));
        var labels = probe.Labels;
        var expected = Names.Select((n, k) => Functional.CrossEntropy(output.Feature("logits." + n), labels).Item() * strategy.Weights[k]).Sum()
            + Functional.CrossEntropy(output.Logits, labels).Item() * strategy.Weights[3];
        Assert.Equal(expected, strategy.Blend(output, labels, TaskKind.Multiclass).Item(), 5);
    }

    [Fact]
    public void OgmGeScalesTheDominantEncodersGradientByTheFormula()
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(5);
        using var model = (OgmGeModel)Create("ogm-ge", 3, ("modalities", "[vitals, report]"), ("alpha", 0.7));
        var names = model.Encoders.Names;
        using var batch = new MemorySource(1, 8, 3, false, 4).Make(0);
        var output = model.Forward(Binding().Inputs(batch));
        var loss = TaskLoss.Compute(model, output, batch.Labels, TaskKind.Multiclass).Total;
        model.ZeroGrad();
        loss.Backward();
        var before = names.ToDictionary(n => n, n => model.Encoders[n].Parameters().Select(p => p.Grad!.Clone()).ToList());

        // Hand-computed: s_m = mean over the samples having m of softmax(c_m)[y]; ρ = s_m / s_other; k = 1 − tanh(α(ρ − 1)).
        var y = batch.Labels.ToArray<long>();
        double Score(string n)
        {
            var p = output.Feature("logits." + n).Detach().Softmax(1);
            var present = batch.Present[n].ToArray<bool>();
            var rows = Enumerable.Range(0, y.Length).Where(i => present[i]).ToList();
            return rows.Average(i => (double)p[i, y[i]].Item<float>());
        }
        var s = names.Select(Score).ToArray();
        var rho = new[] { s[0] / s[1], s[1] / s[0] };
        var dominant = rho[0] > 1 ? 0 : 1;
        var k = 1 - Math.Tanh(0.7 * (rho[dominant] - 1));
        Assert.True(k < 1);

        var (gotRho, gotK) = OgmGeStrategy.Modulate(model, output, batch.Labels, TaskKind.Multiclass, 0.7, noise: false);
        Assert.Equal(rho[0], gotRho[0]!.Value, 5);
        Assert.Equal(k, gotK[dominant], 5);
        Assert.Equal(1.0, gotK[1 - dominant]);
        var after = names.ToDictionary(n => n, n => model.Encoders[n].Parameters().Select(p => p.Grad!).ToList());
        for (var i = 0; i < before[names[dominant]].Count; i++)
            Close(before[names[dominant]][i] * k, after[names[dominant]][i], 1e-5, $"dominant {names[dominant]} parameter {i}");
        for (var i = 0; i < before[names[1 - dominant]].Count; i++)
            Close(before[names[1 - dominant]][i], after[names[1 - dominant]][i], 1e-6, "the other modality is untouched");
        Assert.True(OgmGeStrategy.Coefficient(0.8, 0.7) == 1.0);

        // GE: the noise is seeded by the engine generator, and has the gradient's own scale.
        Tensor[] Noisy(ulong seed)
        {
            foreach (var (p, g) in model.Encoders[names[0]].Parameters().Zip(before[names[0]])) p.Grad = g.Clone();
            Engine.ManualSeed(seed);
            OgmGeStrategy.Modulate(model, output, batch.Labels, TaskKind.Multiclass, 0.0, noise: true);
            return model.Encoders[names[0]].Parameters().Select(p => p.Grad!.Clone()).ToArray();
        }
        var a = Noisy(11);
        var b = Noisy(11);
        var big = Enumerable.Range(0, a.Length).First(i => a[i].NumEl > 10);
        Close(a[big], b[big], 1e-6, "same seed, same noise");
        var noise = a[big] - before[names[0]][big];
        Assert.True(noise.Abs().Sum().Item() > 0);
        var ratio = noise.Std().Item() / before[names[0]][big].Std().Item();
        Assert.InRange(ratio, 0.5, 1.6);
    }

    [Fact]
    public void PmrPrototypesAreClassMeansOfThePresentSamples()
    {
        using var scope = DisposeScope.Enter();
        var v = Tensor.From(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 }, { 100, 100 }, { -1, 0 } });
        var present = Tensor.From(new[] { true, true, true, false, true });
        var labels = Tensor.From(new long[] { 0, 0, 1, 1, 0 });
        // Split over two batches: the means are over the whole part. Class 2 has no sample: the overall mean.
        var protos = PmrStrategy.ClassMeans(new[]
        {
            (v.Narrow(0, 0, 2), present.Narrow(0, 0, 2), labels.Narrow(0, 0, 2)),
            (v.Narrow(0, 2, 3), present.Narrow(0, 2, 3), labels.Narrow(0, 2, 3)),
        }, 3, TaskKind.Multiclass);
        Close(Tensor.From(new float[,] { { 1, 2 }, { 5, 6 }, { 2, 3 } }), protos, 1e-6, "class means");
        var multi = PmrStrategy.ClassMeans(new[] { (v, present, Tensor.From(new float[,] { { 1, 0 }, { 1, 1 }, { 0, 1 }, { 1, 1 }, { 0, 0 } })) }, 2, TaskKind.Multilabel);
        Close(Tensor.From(new float[,] { { 2, 3 }, { 4, 5 } }), multi, 1e-6, "multilabel means");

        // The strategy's prototypes at an epoch start are the class means of the model's embeddings (eval mode).
        Engine.ManualSeed(2);
        using var model = (PmrModel)Create("pmr");
        var strategy = (PmrStrategy)StrategyRegistry.For("pmr", model);
        using var optimizer = new AdamW(model.Parameters(), 1e-3);
        var train = new MemorySource(2, 6, 3, false, 7);
        model.Train();
        strategy.OnEpochStart(Context(model, optimizer, TaskKind.Multiclass, train, null));
        Assert.True(model.Training, "measuring must leave the model in training mode");
        model.Eval();
        using var b0 = train.Make(0);
        using var b1 = train.Make(1);
        var o0 = model.Forward(Binding().Inputs(b0));
        var o1 = model.Forward(Binding().Inputs(b1));
        for (var m = 0; m < Names.Length; m++)
        {
            var all = Tensor.Cat(new[] { o0.Feature("v." + Names[m]), o1.Feature("v." + Names[m]) });
            var keep = Tensor.Cat(new[] { b0.Present[Names[m]], b1.Present[Names[m]] }).ToArray<bool>();
            var y = Tensor.Cat(new[] { b0.Labels, b1.Labels }).ToArray<long>();
            for (var c = 0; c < 3; c++)
            {
                var rows = Enumerable.Range(0, y.Length).Where(i => keep[i] && y[i] == c).Select(i => (long)i).ToArray();
                var mean = all.IndexSelect(0, Tensor.From(rows)).Mean(0);
                Close(mean, strategy.Prototypes![m].Select(0, c), 1e-4, $"{Names[m]} class {c}");
            }
        }
    }

    [Fact]
    public void PmrPrototypeLogitsAreNegativeEuclideanDistances()
    {
        using var scope = DisposeScope.Enter();
        var z = Tensor.From(new float[,] { { 0, 0 }, { 3, 4 } });
        var c = Tensor.From(new float[,] { { 0, 0 }, { 3, 0 }, { 1, 1 } });
        var logits = PmrStrategy.PrototypeLogits(z, c);
        var expected = Tensor.From(new float[,] { { 0, -3, -(float)Math.Sqrt(2) }, { -5, -4, -(float)Math.Sqrt(13) } });
        Close(expected, logits, 1e-5, "−‖z − c‖");
    }

    [Theory]
    [InlineData("g-blend")]
    [InlineData("ogm-ge")]
    [InlineData("pmr")]
    public void StrategiesTrainMultilabelAndMulticlassThroughTheTrainer(string method)
    {
        foreach (var multilabel in new[] { false, true })
        {
            using var scope = DisposeScope.Enter();
            Engine.ManualSeed(9);
            using var model = Create(method, multilabel ? 4 : 3);
            var dir = Path.Combine(Path.GetTempPath(), "medley-fs-" + Guid.NewGuid().ToString("N")[..8]);
            try
            {
                var task = multilabel ? TaskKind.Multilabel : TaskKind.Multiclass;
                var classes = Enumerable.Range(0, multilabel ? 4 : 3).Select(i => $"c{i}").ToList();
                var options = new TrainingOptions { Epochs = 2, WarmupEpochs = 0, LearningRate = 1e-3, Patience = 0, Workers = 0 };
                var trainer = new Trainer(model, options, Binding(), task, classes, StrategyRegistry.For(method, model));
                var result = trainer.Fit(new MemorySource(2, 6, classes.Count, multilabel, 1), new MemorySource(1, 6, classes.Count, multilabel, 2), dir);
                Assert.Equal(2, result.EpochsRun);
                Assert.All(result.Log, r => Assert.True(double.IsFinite(r.TrainLoss)));
                var prefix = method switch { "g-blend" => "gblend_w_", "ogm-ge" => "ogm_k_", _ => "pmr_rho_" };
                Assert.Contains(result.Log[^1].Strategy.Keys, k => k.StartsWith(prefix));
                Assert.Contains(prefix, File.ReadAllLines(Path.Combine(dir, "log.csv"))[0]);
            }
            finally
            {
                if (Directory.Exists(dir)) Directory.Delete(dir, true);
            }
        }
    }
}
