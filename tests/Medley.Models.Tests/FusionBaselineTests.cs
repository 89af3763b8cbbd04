using Medley.Models.Inputs;
using Medley.Models.Methods;
using Medley.Models.Methods.FusionBaselines;
using Medley.Torch;
using Medley.Torch.Tests;

namespace Medley.Models.Tests;

/// <summary>The seven OmniFuse baselines (METHODS.md §2.6): shapes, presence patterns, and each defining mechanism.</summary>
public class FusionBaselineTests
{
    internal const string Shapes = "image:image:3x16x16;vitals:timeseries:6x4;report:text:12:50";
    internal static readonly string[] Names = { "image", "vitals", "report" };
    internal static readonly string[] Methods = { "concat", "sum", "se-gate", "g-blend", "ogm-ge", "pmr", "medfuse" };

    internal static Dictionary<string, object?> Values(int classes = 3, params (string Key, object? Value)[] extra)
    {
        var d = new Dictionary<string, object?>
        {
            ["modality_shapes"] = Shapes, ["num_classes"] = classes, ["embed_dim"] = 8, ["hidden"] = 6, ["image_encoder"] = "cnn",
            ["text_heads"] = 2, ["head_hidden"] = 8,
        };
        foreach (var (k, v) in extra) d[k] = v;
        return d;
    }

    internal static FusionBaselineModel Create(string method, int classes = 3, params (string Key, object? Value)[] extra)
    {
        var values = Values(classes);
        if (method == "medfuse") values["lstm_hidden"] = 8;
        foreach (var (k, v) in extra) values[k] = v;
        return (FusionBaselineModel)MethodRegistry.Create(method, values);
    }

    /// <summary>Random inputs for a batch; present[m][b] says whether sample b has modality m (absent ones are zeros).</summary>
    internal static Dictionary<string, Tensor> Inputs(bool[][] present, ulong seed = 1)
    {
        using var g = new Generator(seed);
        var batch = present[0].Length;
        var inputs = new Dictionary<string, Tensor>
        {
            ["image"] = Tensor.Randn(new long[] { batch, 3, 16, 16 }, g),
            ["vitals"] = Tensor.Randn(new long[] { batch, 6, 4 }, g),
            ["report"] = Tensor.Randint(1, 50, new long[] { batch, 12 }, g),
            ["report.mask"] = Tensor.Ones(new long[] { batch, 12 }, DType.Int64),
        };
        for (var m = 0; m < Names.Length; m++)
        {
            var p = Tensor.From(present[m]);
            inputs[ModalityInputs.PresentKey(Names[m])] = p;
            var keep = p.Reshape(new[] { (long)batch }.Concat(Enumerable.Repeat(1L, (int)inputs[Names[m]].Dim - 1)).ToArray());
            inputs[Names[m]] = Tensor.Where(keep.LogicalNot(), Tensor.ZerosLike(inputs[Names[m]]), inputs[Names[m]]);
        }
        inputs["report.mask"] = inputs["report.mask"] * inputs["report.present"].To(DType.Int64).Unsqueeze(1);
        return inputs;
    }

    private static bool[][] Pattern(int bits, int batch) =>
        Enumerable.Range(0, 3).Select(m => Enumerable.Repeat((bits >> m & 1) == 1, batch).ToArray()).ToArray();

    [Fact]
    public void EveryMethodGivesFiniteLogitsForEveryPresencePatternOfThreeModalities()
    {
        using var scope = DisposeScope.Enter();
        foreach (var method in Methods)
        {
            using var model = Create(method);
            Assert.Equal(Names, model.Modalities);
            for (var bits = 0; bits < 8; bits++)
            {
                var logits = model.Forward(Inputs(Pattern(bits, 2))).Logits;
                Assert.Equal(new long[] { 2, 3 }, logits.Shape);
                Assert.True(logits.IsFinite().All().Item<bool>(), $"{method}, pattern {bits}");
            }
            // A mixed batch: every sample its own pattern.
            var mixed = Enumerable.Range(0, 3).Select(m => Enumerable.Range(0, 8).Select(b => (b >> m & 1) == 1).ToArray()).ToArray();
            var output = model.Forward(Inputs(mixed));
            Assert.Equal(new long[] { 8, 3 }, output.Logits.Shape);
            Assert.True(output.Logits.IsFinite().All().Item<bool>(), method);
            Assert.Equal(mixed[1], output.Feature(FusionBaselineModel.PresentFeature("vitals")).ToArray<bool>());
            Assert.Equal(new long[] { 8, 8 }, output.Feature(FusionBaselineModel.EmbeddingFeature("report")).Shape);
        }
    }

    [Fact]
    public void MultilabelLogitsHaveOneColumnPerLabel()
    {
        using var scope = DisposeScope.Enter();
        foreach (var method in Methods)
        {
            using var model = Create(method, classes: 5);
            var output = model.Forward(Inputs(Pattern(7, 4)));
            Assert.Equal(new long[] { 4, 5 }, output.Logits.Shape);
            if (method is "g-blend" or "ogm-ge")
                foreach (var n in Names) Assert.Equal(new long[] { 4, 5 }, output.Feature(FusionBaselineModel.LogitsFeature(n)).Shape);
        }
    }

    [Fact]
    public void ConcatWithOneModalityIsTheUniModalBaseline()
    {
        using var scope = DisposeScope.Enter();
        using var model = Create("concat", 3, ("modalities", "[vitals]"));
        Assert.Equal(new[] { "vitals" }, model.Modalities);
        model.Eval();
        var inputs = Inputs(Pattern(7, 3));
        var before = model.Forward(inputs).Logits;
        inputs["image"] = Tensor.Randn(3, 3, 16, 16);
        inputs["report"] = Tensor.Randint(1, 50, new long[] { 3, 12 });
        AssertClose.Equal(before, model.Forward(inputs).Logits, rtol: 1e-6);
        // The list binds from a parsed YAML/CLI list as well; the resolved value is a string array.
        using var listed = (ConcatBaselineModel)MethodRegistry.Create("concat", Values(3, ("modalities", new List<object?> { "report", "image" })));
        Assert.Equal(new[] { "report", "image" }, listed.Config.Modalities);
        Assert.Contains("uni-modal", MethodRegistry.Get("concat").Description);
    }

    [Fact]
    public void SumAndConcatFuseTheExpectedWidths()
    {
        using var scope = DisposeScope.Enter();
        using var concat = Create("concat");
        using var sum = Create("sum");
        // concat's head reads 3·d, sum's head reads d (after the per-modality d → d projections).
        var concatFc1 = concat.NamedParameters().Single(p => p.Name == "head.fc1.weight").Parameter;
        var sumFc1 = sum.NamedParameters().Single(p => p.Name == "head.fc1.weight").Parameter;
        Assert.Equal(new long[] { 8, 24 }, concatFc1.Shape);
        Assert.Equal(new long[] { 8, 8 }, sumFc1.Shape);
        Assert.Equal(3, sum.NamedParameters().Count(p => p.Name.StartsWith("projections.") && p.Name.EndsWith(".weight")));
    }

    [Fact]
    public void SeGateSoftmaxGatesSumToOneAndSigmoidGatesAreIndependent()
    {
        using var scope = DisposeScope.Enter();
        var inputs = Inputs(Pattern(7, 4));
        using (var softmax = Create("se-gate", 3, ("gate", "softmax")))
        {
            var gates = softmax.Forward(inputs).Feature("gates");
            Assert.Equal(new long[] { 4, 3 }, gates.Shape);
            AssertClose.Equal(Tensor.Ones(4), gates.Sum(1), rtol: 1e-6);
            Assert.True(gates.Gt(0.0).All().Item<bool>());
        }
        using (var sigmoid = Create("se-gate"))
        {
            var gates = sigmoid.Forward(inputs).Feature("gates");
            Assert.True(gates.Gt(0.0).All().Item<bool>() && gates.Lt(1.0).All().Item<bool>());
            // Not normalised: SE-Net's gates do not sum to 1.
            Assert.False(gates.Sum(1).AllClose(Tensor.Ones(4), 1e-3, 1e-3));
        }
        Assert.Contains("sigmoid or softmax", Assert.Throws<ArgumentException>(() => Create("se-gate", 3, ("gate", "tanh"))).Message);
    }

    [Fact]
    public void OgmGeModalityContributionsSumToTheLogits()
    {
        using var scope = DisposeScope.Enter();
        using var model = Create("ogm-ge");
        var output = model.Forward(Inputs(Pattern(5, 3)));
        var sum = Names.Select(n => output.Feature(FusionBaselineModel.LogitsFeature(n))).Aggregate((a, b) => a + b);
        AssertClose.Equal(output.Logits, sum, rtol: 1e-5);
    }

    [Fact]
    public void MedFuseSkipsAbsentModalityTokens()
    {
        using var scope = DisposeScope.Enter();
        using var model = Create("medfuse");
        model.Eval();
        // Sample 0 lacks the image, sample 1 has everything, samples 2 and 3 have nothing.
        var present = new[]
        {
            new[] { false, true, false, false },
            new[] { true, true, false, false },
            new[] { true, true, false, false },
        };
        var inputs = Inputs(present);
        var before = model.Forward(inputs).Logits;
        // Change every absent tensor arbitrarily (a present-but-flagged-absent image for sample 0, and all of 2, 3).
        var changed = new Dictionary<string, Tensor>(inputs)
        {
            ["image"] = Tensor.Randn(4, 3, 16, 16) * 5.0,
            ["vitals"] = Tensor.Cat(new[] { inputs["vitals"].Narrow(0, 0, 2), Tensor.Randn(2, 6, 4) }),
            ["report"] = Tensor.Cat(new[] { inputs["report"].Narrow(0, 0, 2), Tensor.Randint(1, 50, new long[] { 2, 12 }) }),
        };
        var after = model.Forward(changed).Logits;
        AssertClose.Equal(before.Select(0, 0), after.Select(0, 0), rtol: 1e-5);
        AssertClose.Equal(before.Narrow(0, 2, 2), after.Narrow(0, 2, 2), rtol: 1e-5);
        Assert.False(before.Select(0, 1).AllClose(after.Select(0, 1)), "sample 1 has the image: its logits must follow it");
        // Nothing present: the same learned constant for every such sample.
        AssertClose.Equal(after.Select(0, 2), after.Select(0, 3), rtol: 1e-6);
        var (order, lengths) = MedFuseModel.PackOrder(present.Select(p => Tensor.From(p)).ToList(), 4);
        Assert.Equal(new long[] { 2, 3, 1, 1 }, lengths);
        Assert.Equal(new long[] { 1, 2, 0, 0, 1, 2, 3, 0, 0, 3, 0, 0 }, order);
    }

    [Fact]
    public void AllSevenAreRegisteredWithTheSharedEncoderKeys()
    {
        foreach (var method in Methods)
        {
            var info = MethodRegistry.Get(method);
            Assert.False(string.IsNullOrWhiteSpace(info.Description));
            Assert.Contains("modality_shapes", info.ConfigKeys);
            Assert.Contains("embed_dim", info.ConfigKeys);
            Assert.Contains("head_hidden", info.ConfigKeys);
        }
        Assert.Contains("gblend_every", MethodRegistry.Get("g-blend").ConfigKeys);
        Assert.Contains("alpha", MethodRegistry.Get("ogm-ge").ConfigKeys);
        Assert.Contains("entropy_epochs", MethodRegistry.Get("pmr").ConfigKeys);
        Assert.Contains("lstm_hidden", MethodRegistry.Get("medfuse").ConfigKeys);
        Assert.Equal(0.1, new OgmGeConfig().Alpha);
        Assert.Contains("'modalities' names 'ct'", Assert.Throws<ArgumentException>(() => Create("sum", 3, ("modalities", "ct"))).Message);
    }
    [Theory]
    [InlineData("g-blend", "gblend_every", "0", "gblend_every must be at least 1")]
    [InlineData("ogm-ge", "alpha", "-1", "alpha must be non-negative")]
    [InlineData("ogm-ge", "modulation_start", "0", "modulation_start")]
    [InlineData("pmr", "mu", "-0.5", "non-negative")]
    [InlineData("medfuse", "lstm_hidden", "0", "lstm_hidden must be positive")]
    [InlineData("concat", "head_hidden", "0", "head_hidden must be positive")]
    [InlineData("sum", "dropout", "1.5", "dropout must be in [0, 1)")]
    [InlineData("se-gate", "se_hidden", "-2", "se_hidden")]
    [InlineData("concat", "embed_dimm", "8", "did you mean 'embed_dim'")]
    public void BadConfigValuesNameTheKey(string method, string key, string value, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => Create(method, 3, (key, value))).Message);
}
