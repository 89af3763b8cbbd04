using Medley.Models.Encoders.Modality;
using Medley.Models.Inputs;
using Medley.Torch;
using Xunit;

namespace Medley.Models.Tests;

public class ModalityEncoderSetTests
{
    private const string Shapes = "image:image:3x16x16;labs:tabular:5;vitals:timeseries:6x4;report:text:12:50;emb:embedding:8";

    private static FusionConfig Config(params string[] modalities) =>
        new() { ModalityShapes = Shapes, Modalities = modalities, EmbedDim = 8, Hidden = 6, ImageEncoder = "cnn", TextHeads = 2 };

    [Fact]
    public void DescriptorsRoundTripThroughTheirString()
    {
        var parsed = ModalityDescriptor.Parse(Shapes);
        Assert.Equal(5, parsed.Count);
        Assert.Equal(new long[] { 6, 4 }, parsed[2].Shape);
        Assert.Equal(50, parsed[3].Vocab);
        Assert.Equal(Shapes, ModalityDescriptor.Format(parsed));
    }

    [Theory]
    [InlineData("image:pixels:3x4x4", "unknown kind 'pixels'")]
    [InlineData("image:image:3x0x4", "bad shape")]
    [InlineData("report:text:12", "vocabulary size")]
    [InlineData("a:tabular:3;a:tabular:4", "listed twice")]
    [InlineData("justaname", "name:kind:shape")]
    public void BadDescriptorsNameTheProblem(string text, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => ModalityDescriptor.Parse(text)).Message);

    [Fact]
    public void SelectingAnUnknownModalityListsTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => new ModalityEncoderSet(Config("image", "ct"), "concat"));
        Assert.Contains("'ct'", e.Message);
        Assert.Contains("image, labs, vitals, report, emb", e.Message);
    }

    [Fact]
    public void EveryKindEncodesToTheEmbedWidthAndAbsentModalitiesReadAsZeros()
    {
        using var scope = DisposeScope.Enter();
        using var set = new ModalityEncoderSet(Config(), "concat");
        Assert.Equal(new[] { "image", "labs", "vitals", "report", "emb" }, set.Names);
        var inputs = new Dictionary<string, Tensor>
        {
            ["image"] = Tensor.Randn(3, 3, 16, 16),
            ["labs"] = Tensor.Randn(3, 1, 5), // the lab binding's one-step form of a tabular vector
            ["vitals"] = Tensor.Randn(3, 6, 4),
            ["report"] = Tensor.Cat(new[] { Tensor.From(new long[] { 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0 }).Reshape(1, 12), Tensor.Zeros(new long[] { 1, 12 }, DType.Int64), Tensor.Full(new long[] { 1, 12 }, 7, DType.Int64) }),
            ["report.mask"] = Tensor.From(new long[] { 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }).Reshape(3, 12),
            ["report.present"] = Tensor.From(new[] { true, false, true }),
            // "emb" is absent from the whole batch: encoded from zeros and flagged absent.
        };
        var (embeddings, present) = set.Encode(inputs);
        Assert.All(embeddings, e => Assert.Equal(new long[] { 3, 8 }, e.Shape));
        Assert.All(embeddings, e => Assert.True(e.IsFinite().All().Item<bool>()));
        Assert.Equal(new[] { true, false, true }, present[3].ToArray<bool>());
        Assert.Equal(new[] { false, false, false }, present[4].ToArray<bool>());
        Assert.Equal(new[] { true, true, true }, present[0].ToArray<bool>());
    }

    [Fact]
    public void WrongSampleShapeIsAnArgumentError()
    {
        using var scope = DisposeScope.Enter();
        using var set = new ModalityEncoderSet(Config("labs"), "concat");
        var e = Assert.Throws<ArgumentException>(() => set.Encode(new Dictionary<string, Tensor> { ["labs"] = Tensor.Randn(2, 7) }));
        Assert.Contains("modality 'labs'", e.Message);
    }
}
