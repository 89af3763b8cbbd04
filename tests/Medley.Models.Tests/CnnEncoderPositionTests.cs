using Medley.Models.Encoders;
using Medley.Torch;
using Medley.Torch.Tests;

namespace Medley.Models.Tests;

/// <summary>
/// The "no ViT" CNN must keep WHERE a pattern is: the synthetic XOR task's image bit is the position of a blob.
/// With F_I = spatial mean of the feature map (the earlier encoder), a blob moved by a multiple of the network's
/// stride (8 px) gives exactly the same F_I, and CMAP-Fusion stayed at chance on that task.
/// Serial: the encoder's initial weights come from the global generator, which tests running in parallel would
/// advance between ManualSeed and the draws (a CI run once drew weights for which the contrast below did not hold).
/// </summary>
[Collection(SerialCollection.Name)]
public class CnnEncoderPositionTests
{
    /// <summary>A 1×1-channel 32×32 image, zero except a 4×4 bright square at (row, col).</summary>
    private static Tensor Blob(int row, int col)
    {
        var values = new float[32 * 32];
        for (var r = row; r < row + 4; r++)
            for (var c = col; c < col + 4; c++) values[r * 32 + c] = 3f;
        return Tensor.From(values).View(1, 1, 32, 32);
    }

    [Fact]
    public void FeatureDependsOnWhereTheBlobIs()
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(3);
        using var encoder = new CnnImageEncoder(1, new[] { 4, 8, 8 }, 16, grid: 4);
        // Shifted by 16 px (two cells of the 8-px stride): a translation-invariant pooling could not tell them apart.
        var (left, leftTokens) = encoder.Forward(Blob(12, 4));
        var (right, _) = encoder.Forward(Blob(12, 20));
        Assert.Equal(new long[] { 1, 16 }, left.Shape);
        Assert.Equal(new long[] { 1, 16, 16 }, leftTokens.Shape);
        var difference = (left - right).Abs().Max().Item();
        Assert.True(difference > 1e-3, $"F_I barely changes when the blob moves ({difference}).");

        // The old pooling, for contrast: the mean over positions of the same feature map is the same for both.
        var meanLeft = leftTokens.Mean(1);
        var (_, rightTokens) = encoder.Forward(Blob(12, 20));
        Assert.False(meanLeft.AllClose(rightTokens.Mean(1), 1e-6, 1e-7), "tokens carry no position either");
    }

    [Fact]
    public void FeatureWidthDoesNotDependOnImageSize()
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(4);
        using var encoder = new CnnImageEncoder(3, new[] { 4, 4, 4 }, 8, grid: 2);
        foreach (var size in new[] { 16, 32, 48 })
        {
            var (feature, tokens) = encoder.Forward(Tensor.Randn(2, 3, size, size));
            Assert.Equal(new long[] { 2, 8 }, feature.Shape);
            Assert.Equal(new long[] { 2, 4, 8 }, tokens.Shape);
        }
    }

    [Fact]
    public void BadGridIsAClearError()
    {
        var error = Assert.Throws<ArgumentException>(() => new CnnImageEncoder(3, new[] { 4, 4, 4 }, 8, grid: 0));
        Assert.Contains("cnn_grid", error.Message);
    }
}
