using Medley.Data.Imaging;

namespace Medley.Data.Synthetic;

/// <summary>
/// Independent deterministic random streams: one per (seed, purpose, sample), so each file's content depends only on
/// those — not on thread scheduling or on which other modalities are generated.
/// </summary>
internal sealed class SynthRandom
{
    private readonly SampleRandom _rng;

    public SynthRandom(ulong seed, Stream stream, long sample) => _rng = new SampleRandom(seed, (int)stream, sample);

    /// <summary>Purposes of the random streams.</summary>
    public enum Stream { Label = 1, Patient, Missing, Image, Volume, Labs, Vitals, Report, Decoy, Noise, Weights }

    public double Uniform() => _rng.NextDouble();
    public double Uniform(double low, double high) => _rng.Uniform(low, high);
    public int Int(int n) => _rng.NextInt(n);
    public bool Chance(double p) => _rng.NextDouble() < p;

    /// <summary>Standard normal (Box–Muller).</summary>
    public double Normal()
    {
        var u = 1.0 - _rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * _rng.NextDouble());
    }

    /// <summary>Index drawn from unnormalised weights.</summary>
    public int Pick(IReadOnlyList<double> weights)
    {
        var r = _rng.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Count; i++)
        {
            r -= weights[i];
            if (r < 0) return i;
        }
        return weights.Count - 1;
    }
}
