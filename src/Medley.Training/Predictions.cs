using Medley.Data.Spec;

namespace Medley.Training;

/// <summary>
/// A model's outputs over one split part: probabilities [N, C] (softmax, or sigmoid per label for multilabel),
/// true labels (class index per sample, or a 0/1 indicator matrix for multilabel; -1 = unknown), sample ids,
/// the mean loss, and 2-D features by name (rows = samples) when collected.
/// </summary>
public sealed record Predictions(
    TaskKind Task,
    IReadOnlyList<string> Classes,
    IReadOnlyList<string> SampleIds,
    double[,] Probabilities,
    int[] Labels,
    int[,]? LabelMatrix,
    double Loss,
    IReadOnlyDictionary<string, float[,]> Features)
{
    public int Count => SampleIds.Count;

    /// <summary>
    /// Per-sample, per-modality explanation values by name ([N, M], columns = <see cref="ExplanationModalities"/>):
    /// OmniFuse's "omega" (modality contribution ω) and "imputed" (1 = the modality was missing and imputed). Empty for
    /// methods that give none; predictions.csv then has no such columns.
    /// </summary>
    public IReadOnlyDictionary<string, float[,]> Explanations { get; init; } = new Dictionary<string, float[,]>();

    /// <summary>The modality of each explanation column.</summary>
    public IReadOnlyList<string> ExplanationModalities { get; init; } = Array.Empty<string>();

    /// <summary>The predicted class per sample (arg-max; multilabel: none).</summary>
    public int[] Predicted()
    {
        var n = Probabilities.GetLength(0);
        var c = Probabilities.GetLength(1);
        var result = new int[n];
        for (var i = 0; i < n; i++)
        {
            var best = 0;
            for (var k = 1; k < c; k++) if (Probabilities[i, k] > Probabilities[i, best]) best = k;
            result[i] = best;
        }
        return result;
    }
}
