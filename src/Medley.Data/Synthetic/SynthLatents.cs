using Medley.Data.Spec;

namespace Medley.Data.Synthetic;

/// <summary>
/// The ground truth of a synthetic dataset: each sample's clean label(s), the recorded (possibly noisy) label(s), and
/// for every modality the latent vector it renders (values in [0, 1], one per slot) and its signal strength.
/// A modality that carries the signal renders the sample's own latent; one that does not renders an independent draw
/// from the same distribution (so it looks alike but says nothing about the label).
/// </summary>
public sealed class SynthLatents
{
    public int Count { get; }
    public int Slots { get; }
    /// <summary>Binary/multiclass: the clean class per sample.</summary>
    public int[] CleanClass { get; }
    /// <summary>Binary/multiclass: the recorded class (after label noise).</summary>
    public int[] RecordedClass { get; }
    /// <summary>Multilabel: clean and recorded 0/1 labels [sample][label].</summary>
    public bool[][] CleanLabels { get; }
    public bool[][] RecordedLabels { get; }
    /// <summary>XOR construction: the image bit (blob on the right) and the lab bit (marker positive); label = a XOR b.</summary>
    public bool[] ImageBit { get; }
    public bool[] LabBit { get; }
    /// <summary>What each modality renders, [modality][sample][slot] in [0, 1].</summary>
    public IReadOnlyDictionary<string, double[][]> Render { get; }
    /// <summary>Signal strength per modality (1 normal, 3 dominant, 0.5 lazy).</summary>
    public IReadOnlyDictionary<string, double> Strength { get; }

    private SynthLatents(int count, int slots, int[] clean, int[] recorded, bool[][] cleanLabels, bool[][] recordedLabels,
        bool[] imageBit, bool[] labBit, Dictionary<string, double[][]> render, Dictionary<string, double> strength)
    {
        Count = count; Slots = slots; CleanClass = clean; RecordedClass = recorded; CleanLabels = cleanLabels;
        RecordedLabels = recordedLabels; ImageBit = imageBit; LabBit = labBit; Render = render; Strength = strength;
    }

    /// <summary>Class priors: p_k ∝ imbalance^(−k/(K−1)), so the first class is `imbalance` times the last.</summary>
    public static double[] Priors(int classes, double imbalance) =>
        Enumerable.Range(0, classes).Select(k => Math.Pow(imbalance, -k / (double)(classes - 1))).ToArray();

    public static SynthLatents Draw(SynthOptions o)
    {
        var n = o.Samples;
        var slots = o.Slots;
        var classes = o.Task == TaskKind.Binary ? 2 : o.Classes;
        var priors = Priors(classes, o.Imbalance);
        var clean = new int[n];
        var recorded = new int[n];
        var cleanLabels = new bool[n][];
        var recordedLabels = new bool[n][];
        var own = new double[n][];
        var imageBit = new bool[n];
        var labBit = new bool[n];
        var weights = LabelWeights(o);
        for (var i = 0; i < n; i++)
        {
            var rng = new SynthRandom(o.Seed, SynthRandom.Stream.Label, i);
            if (o.Task == TaskKind.Multilabel)
            {
                var z = Enumerable.Range(0, slots).Select(_ => rng.Normal()).ToArray();
                own[i] = z.Select(Squash).ToArray();
                cleanLabels[i] = Enumerable.Range(0, o.Labels).Select(l => weights.Bias[l] + Dot(weights.W[l], z) + 0.5 * rng.Normal() > 0).ToArray();
                recordedLabels[i] = cleanLabels[i].Select(b => rng.Chance(o.LabelNoise) ? !b : b).ToArray();
            }
            else
            {
                clean[i] = rng.Pick(priors);
                recorded[i] = rng.Chance(o.LabelNoise) ? (clean[i] + 1 + rng.Int(classes - 1)) % classes : clean[i];
                own[i] = OneHot(clean[i], slots);
                cleanLabels[i] = recordedLabels[i] = Array.Empty<bool>();
                // XOR: a is a fair coin whatever the label, b = y XOR a: each bit alone is independent of y
                imageBit[i] = rng.Chance(0.5);
                labBit[i] = imageBit[i] ^ (clean[i] == 1);
            }
        }

        var render = new Dictionary<string, double[][]>();
        var strength = new Dictionary<string, double>();
        foreach (var m in o.Modalities)
        {
            strength[m] = m == o.Dominant ? 3.0 : m == o.Lazy ? 0.5 : 1.0;
            var rows = new double[n][];
            for (var i = 0; i < n; i++)
            {
                var rng = new SynthRandom(o.Seed, SynthRandom.Stream.Decoy, (long)i * 16 + SynthModalities.All.ToList().IndexOf(m));
                double[] Decoy() => o.Task == TaskKind.Multilabel
                    ? Enumerable.Range(0, slots).Select(_ => Squash(rng.Normal())).ToArray()
                    : OneHot(rng.Pick(priors), slots);
                if (o.Xor && m == SynthModalities.Image) rows[i] = OneHot(imageBit[i] ? 1 : 0, slots);
                else if (o.Xor && m == SynthModalities.Labs) rows[i] = OneHot(labBit[i] ? 1 : 0, slots);
                else if (o.Xor) rows[i] = Decoy();
                else if (m == o.Lazy) rows[i] = o.Signal.Contains(m) && rng.Chance(0.25) ? own[i] : Decoy();
                else rows[i] = o.Signal.Contains(m) ? own[i] : Decoy();
            }
            render[m] = rows;
        }
        return new SynthLatents(n, slots, clean, recorded, cleanLabels, recordedLabels, imageBit, labBit, render, strength);
    }

    private static double Squash(double z) => 1 / (1 + Math.Exp(-1.5 * z));

    private static double[] OneHot(int k, int slots)
    {
        var v = new double[slots];
        v[k] = 1;
        return v;
    }

    private static double Dot(double[] a, double[] b) => a.Zip(b).Sum(p => p.First * p.Second);

    /// <summary>Multilabel: each label loads on a main factor (weight 2) and a secondary one (±1), so labels sharing factors correlate.</summary>
    private static (double[][] W, double[] Bias) LabelWeights(SynthOptions o)
    {
        var f = o.Factors;
        var w = new double[o.Labels][];
        var bias = new double[o.Labels];
        for (var l = 0; l < o.Labels; l++)
        {
            var rng = new SynthRandom(o.Seed, SynthRandom.Stream.Weights, l);
            w[l] = new double[f];
            w[l][l % f] = 2.0;
            if (f > 1) w[l][(l % f + 1 + rng.Int(f - 1)) % f] += rng.Chance(0.5) ? 1.0 : -1.0;
            bias[l] = -1.0 - rng.Uniform(0, 1.5); // prevalences of roughly 10–35%
        }
        return (w, bias);
    }
}
