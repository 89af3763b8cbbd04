using Medley.Data.Imaging;
using Medley.Data.Volumes;

namespace Medley.Data.Synthetic;

/// <summary>
/// Draws the per-sample content of each modality from its latent vector u (one value in [0, 1] per slot) and its
/// signal strength. Every renderer uses its own random stream per sample, so output is deterministic by seed.
/// </summary>
internal static class SynthRenderers
{
    /// <summary>
    /// An S×S picture: a smooth random texture, pixel noise, a distractor blob at a random place in half the images,
    /// and a bright Gaussian blob at slot f (points on a circle around the centre) with brightness ∝ u_f. A small
    /// CNN/ViT learns the blob's position.
    /// </summary>
    public static ImageData Image(double[] u, double strength, int size, bool rgb, ulong seed, int sample)
    {
        var rng = new SynthRandom(seed, SynthRandom.Stream.Image, sample);
        var slots = u.Length;
        var sigma = size / 10.0;
        var amp = Math.Min(0.6, 0.3 * strength);
        var blobs = new List<(double X, double Y, double A)>();
        for (var f = 0; f < slots; f++)
        {
            if (u[f] < 0.02) continue;
            var angle = 2 * Math.PI * f / slots + (slots == 2 ? 0 : Math.PI / 2);
            blobs.Add((size / 2.0 + 0.28 * size * Math.Cos(angle), size / 2.0 + 0.28 * size * Math.Sin(angle), amp * u[f]));
        }
        if (rng.Chance(0.5)) blobs.Add((rng.Uniform(0, size), rng.Uniform(0, size), 0.12));
        double fx = rng.Uniform(1, 3) * 2 * Math.PI / size, fy = rng.Uniform(1, 3) * 2 * Math.PI / size, phase = rng.Uniform(0, 6.3);
        var tint = new[] { 1.0, 0.65, 0.55 };
        var channels = rgb ? 3 : 1;
        var pixels = new byte[size * size * channels];
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
            {
                var signal = 0.0;
                foreach (var b in blobs)
                {
                    double dx = x + 0.5 - b.X, dy = y + 0.5 - b.Y;
                    signal += b.A * Math.Exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
                }
                var background = 0.35 + 0.05 * Math.Sin(fx * x + phase) * Math.Cos(fy * y);
                for (var c = 0; c < channels; c++)
                {
                    var v = background * (rgb ? 1.0 - 0.15 * c : 1) + signal * (rgb ? tint[c] : 1) + 0.05 * rng.Normal();
                    pixels[(y * size + x) * channels + c] = (byte)Math.Clamp(Math.Round(v * 255), 0, 255);
                }
            }
        return ImageData.FromUInt8(pixels, size, size, channels);
    }

    /// <summary>
    /// A CT-like volume in HU: air (−1000) around an elliptic body of soft tissue (40 HU, noise σ 15) with small
    /// spherical lesions (radius 1.5–2.5 voxels, +120·strength HU) at slot f where u_f is high. Slot 0 is "no
    /// finding" for binary and multiclass tasks (so negatives have no lesion).
    /// </summary>
    public static Volume Volume(double[] u, double strength, int[] size, bool firstSlotIsNormal, ulong seed, int sample)
    {
        var rng = new SynthRandom(seed, SynthRandom.Stream.Volume, sample);
        int d = size[0], h = size[1], w = size[2];
        var lesions = new List<(double Z, double Y, double X, double R)>();
        for (var f = firstSlotIsNormal ? 1 : 0; f < u.Length; f++)
        {
            if (u[f] < 0.7) continue;
            var angle = 2 * Math.PI * f / u.Length;
            lesions.Add((d * (0.3 + 0.4 * ((f * 0.618) % 1)) + rng.Uniform(-1, 1),
                h / 2.0 + 0.22 * h * Math.Sin(angle) + rng.Uniform(-1, 1),
                w / 2.0 + 0.22 * w * Math.Cos(angle) + rng.Uniform(-1, 1),
                rng.Uniform(1.5, 2.5)));
        }
        var data = new float[d * h * w];
        for (var z = 0; z < d; z++)
            for (var y = 0; y < h; y++)
                for (var x = 0; x < w; x++)
                {
                    double ey = (y + 0.5 - h / 2.0) / (0.42 * h), ex = (x + 0.5 - w / 2.0) / (0.45 * w);
                    var inside = ey * ey + ex * ex <= 1;
                    double v = inside ? 40 + 15 * rng.Normal() : -1000 + 5 * rng.Normal();
                    foreach (var l in lesions)
                    {
                        double dz = z + 0.5 - l.Z, dy = y + 0.5 - l.Y, dx = x + 0.5 - l.X;
                        if (dz * dz + dy * dy + dx * dx <= l.R * l.R) v += 120 * strength;
                    }
                    data[(z * h + y) * w + x] = (float)Math.Round(v);
                }
        return new Volume(data, d, h, w, new Spacing3(2.5, 0.8, 0.8));
    }

    /// <summary>Lab names, typical means and spreads.</summary>
    public static readonly (string Name, double Mean, double Sd)[] Labs =
    {
        ("crp", 20, 8), ("wbc", 8, 2), ("hb", 13.5, 1.5), ("sodium", 139, 3), ("creatinine", 1.0, 0.25), ("lactate", 1.6, 0.5),
    };

    /// <summary>
    /// Lab values: mean + sd·(strength·Σ_f A[j,f]·(u_f − ū) + noise). With the XOR construction, `marker` (the sign
    /// of the first lab's shift, crp) carries the lab bit.
    /// </summary>
    public static double[] LabValues(double[] u, double strength, double[][] loadings, ulong seed, int sample)
    {
        var rng = new SynthRandom(seed, SynthRandom.Stream.Labs, sample);
        var mean = u.Average();
        var result = new double[Labs.Length];
        for (var j = 0; j < Labs.Length; j++)
        {
            var shift = 0.0;
            for (var f = 0; f < u.Length; f++) shift += loadings[j][f] * (u[f] - mean);
            result[j] = Math.Round(Math.Max(0.05 * Labs[j].Mean, Labs[j].Mean + Labs[j].Sd * (2.0 * strength * shift + rng.Normal())), 2); // labs are positive
        }
        return result;
    }

    /// <summary>Fixed loadings of each lab on each slot (first lab: +1 on the last slot, −1 on the first, so binary is a sign).</summary>
    public static double[][] LabLoadings(int slots, ulong seed)
    {
        var result = new double[Labs.Length][];
        for (var j = 0; j < Labs.Length; j++)
        {
            var rng = new SynthRandom(seed, SynthRandom.Stream.Weights, 1000 + j);
            result[j] = Enumerable.Range(0, slots).Select(_ => rng.Normal() * 0.7).ToArray();
        }
        Array.Clear(result[0]);
        result[0][0] = -1;
        result[0][slots - 1] += 1;
        return result;
    }

    /// <summary>Vital-sign names, baselines and spreads.</summary>
    public static readonly (string Name, double Mean, double Sd)[] Vitals =
    {
        ("heart_rate", 80, 10), ("systolic_bp", 120, 12), ("spo2", 96, 2), ("temperature", 37, 0.5),
    };

    /// <summary>Irregular observations over 48 h: each variable drifts with a slope set by the latent (strength-scaled), plus noise.</summary>
    public static List<(double Time, string Variable, double Value)> VitalSeries(double[] u, double strength, ulong seed, int sample)
    {
        var rng = new SynthRandom(seed, SynthRandom.Stream.Vitals, sample);
        var mean = u.Average();
        var result = new List<(double, string, double)>();
        for (var v = 0; v < Vitals.Length; v++)
        {
            var slope = 0.0;
            for (var f = 0; f < u.Length; f++) slope += ((f + v) % 3 - 1) * (u[f] - mean);
            var count = 4 + rng.Int(9);
            var times = Enumerable.Range(0, count).Select(_ => Math.Round(rng.Uniform(0, 48), 1)).Distinct().OrderBy(t => t).ToList();
            var level = rng.Normal() * 0.5;
            foreach (var t in times)
                result.Add((t, Vitals[v].Name, Math.Round(Vitals[v].Mean + Vitals[v].Sd * (level + 3.0 * strength * slope * t / 48 + 0.3 * rng.Normal()), 1)));
        }
        return result.OrderBy(r => r.Item1).ThenBy(r => r.Item2, StringComparer.Ordinal).ToList();
    }

    private static readonly string[] Findings =
    {
        "opacity", "nodule", "effusion", "edema", "fracture", "cardiomegaly", "atelectasis", "pneumothorax", "consolidation",
        "mass", "emphysema", "fibrosis",
    };
    private static readonly string[] Filler =
    {
        "the patient was examined today.", "comparison is made with the prior study.", "lines and tubes are unchanged.",
        "the study is of adequate quality.", "clinical correlation is recommended.", "no acute distress was noted.",
        "follow up imaging may be considered.", "the heart size is within normal limits.",
    };

    /// <summary>
    /// A short report: filler sentences, each slot's finding mentioned with probability rising with u_f and strength
    /// ("there is a small nodule."), and negated mentions of others ("no evidence of effusion.").
    /// </summary>
    public static string Report(double[] u, double strength, bool firstSlotIsNormal, ulong seed, int sample)
    {
        var rng = new SynthRandom(seed, SynthRandom.Stream.Report, sample);
        var sentences = new List<string> { Filler[rng.Int(Filler.Length)] };
        var mentioned = 0;
        for (var f = firstSlotIsNormal ? 1 : 0; f < u.Length; f++)
        {
            var p = 0.08 + 0.87 * (1 - Math.Exp(-1.2 * strength)) * u[f];
            var word = Findings[f % Findings.Length] + (f >= Findings.Length ? " on the left" : "");
            if (rng.Chance(p))
            {
                sentences.Add(rng.Chance(0.5) ? $"there is a small {word}." : $"findings are consistent with {word}.");
                mentioned++;
            }
            else if (rng.Chance(0.3)) sentences.Add($"no evidence of {word}.");
        }
        if (mentioned == 0 && rng.Chance(0.5)) sentences.Add("no acute findings.");
        sentences.Add(Filler[rng.Int(Filler.Length)]);
        return string.Join(" ", sentences);
    }

    /// <summary>A WordPiece vocab holding every word the reports can use (BERT's special tokens first).</summary>
    public static IEnumerable<string> Vocabulary()
    {
        var words = Findings.Concat(Filler)
            .Concat(new[] { "there is a small", "findings are consistent with", "no evidence of", "no acute findings", "on the left" })
            .SelectMany(s => s.Replace(".", " ").Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Append(".").Append(",").Distinct().OrderBy(w => w, StringComparer.Ordinal);
        return new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Concat(words);
    }
}
