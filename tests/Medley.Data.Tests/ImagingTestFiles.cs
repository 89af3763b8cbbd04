namespace Medley.Data.Tests;

/// <summary>A fresh temporary folder per test class, deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("medley-data-tests-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Deterministic test pictures.</summary>
internal static class TestPictures
{
    /// <summary>A smooth RGB gradient with a bright square (compresses well, so JPEG stays close).</summary>
    public static byte[] Rgb(int width, int height)
    {
        var data = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var i = (y * width + x) * 3;
                data[i] = (byte)(x * 255 / Math.Max(1, width - 1));
                data[i + 1] = (byte)(y * 255 / Math.Max(1, height - 1));
                data[i + 2] = (byte)(x > width / 4 && x < width / 2 && y > height / 4 && y < height / 2 ? 230 : 40);
            }
        return data;
    }

    public static byte[] Gray(int width, int height)
    {
        var data = new byte[width * height];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                data[y * width + x] = (byte)((x * 7 + y * 13) % 256);
        return data;
    }

    public static byte[] Random(int count, int seed)
    {
        var rng = new System.Random(seed);
        var data = new byte[count];
        rng.NextBytes(data);
        return data;
    }
}
