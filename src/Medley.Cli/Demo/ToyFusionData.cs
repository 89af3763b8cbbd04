using Medley.Torch;

namespace Medley.Cli.Demo;

/// <summary>
/// An in-memory image + lab problem whose label needs both modalities: a bright square on the left or right of a
/// noisy 32×32 image (bit a) and the sign of one lab value (bit b); label = a XOR b. Either modality alone carries
/// no information about the label, so only a model that fuses them beats chance.
/// </summary>
internal sealed class ToyFusionData : IDisposable
{
    public const int ImageSize = 32;
    public const int LabCount = 8;

    public Tensor Images { get; }   // [N, 1, 32, 32]
    public Tensor Labs { get; }     // [N, 8]
    public Tensor Labels { get; }   // [N] int64
    public int Count { get; }

    private ToyFusionData(Tensor images, Tensor labs, Tensor labels, int count)
    {
        Images = images;
        Labs = labs;
        Labels = labels;
        Count = count;
    }

    public static ToyFusionData Generate(int count, int seed)
    {
        var rng = new Random(seed);
        var images = new float[count * ImageSize * ImageSize];
        var labs = new float[count * LabCount];
        var labels = new long[count];
        for (var n = 0; n < count; n++)
        {
            var right = rng.Next(2);
            var positive = rng.Next(2);
            var offset = n * ImageSize * ImageSize;
            for (var i = 0; i < ImageSize * ImageSize; i++) images[offset + i] = (float)(Gaussian(rng) * 0.3);
            var x0 = right * ImageSize / 2 + rng.Next(2, ImageSize / 2 - 8);
            var y0 = rng.Next(2, ImageSize - 8);
            for (var y = y0; y < y0 + 6; y++)
                for (var x = x0; x < x0 + 6; x++) images[offset + y * ImageSize + x] += 1.0f;
            for (var j = 0; j < LabCount; j++) labs[n * LabCount + j] = (float)Gaussian(rng);
            labs[n * LabCount] = (float)((positive == 1 ? 1 : -1) * (0.5 + rng.NextDouble()));
            labels[n] = right ^ positive;
        }
        return new ToyFusionData(
            Tensor.From(images, new long[] { count, 1, ImageSize, ImageSize }).DetachFromScope(),
            Tensor.From(labs, new long[] { count, LabCount }).DetachFromScope(),
            Tensor.From(labels).DetachFromScope(),
            count);
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    public void Dispose()
    {
        Images.Dispose();
        Labs.Dispose();
        Labels.Dispose();
    }
}
