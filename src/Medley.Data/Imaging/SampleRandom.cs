namespace Medley.Data.Imaging;

/// <summary>
/// A small deterministic generator (SplitMix64) seeded from (seed, epoch, sample), so a sample's augmentation
/// depends only on those three numbers — not on worker count, thread timing or the order samples are loaded in.
/// </summary>
public sealed class SampleRandom
{
    private ulong _state;

    public SampleRandom(ulong seed, int epoch, long sample)
    {
        _state = Mix(Mix(Mix(seed) ^ (ulong)epoch) ^ (ulong)sample);
    }

    /// <summary>A stable 64-bit key for a sample id (FNV-1a), for seeding by id instead of by index.</summary>
    public static long KeyOf(string sampleId)
    {
        var h = 14695981039346656037UL;
        foreach (var ch in sampleId)
        {
            h ^= ch;
            h *= 1099511628211UL;
        }
        return (long)h;
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        var z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n) => n <= 1 ? 0 : (int)(NextUInt64() % (ulong)n);
}
