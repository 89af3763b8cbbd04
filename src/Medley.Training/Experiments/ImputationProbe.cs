using Medley.Models;
using Medley.Torch;
using Medley.Torch.Serialization;

namespace Medley.Training.Experiments;

/// <summary>
/// The evaluation step behind the t-SNE of original vs imputed embeddings (METHODS.md §2.7(f)): for a model whose
/// output has the features "V" (modality embeddings before imputation, [B, M·d]) and "V_imputed" (after), each
/// modality m of the test part is dropped in turn from the samples that have it (and have another modality), and
/// the model imputes it; V's block m from the intact input (the original embedding) and V_imputed's block m from the
/// input without m (the imputed one) are written to imputation.safetensors as "&lt;m&gt;.original" / "&lt;m&gt;.imputed"
/// [N, d]. Blocks follow the order of the model's Modalities (d = V's width / M). Models without V/V_imputed: nothing.
/// </summary>
public static class ImputationProbe
{
    public const string FileName = "imputation.safetensors";

    /// <summary>Writes RUN/imputation.safetensors; returns false (and writes nothing) when the model has no V / V_imputed.</summary>
    public static bool Write(TrainRun.Prepared p, MedleyModel model, int[] rows, string runDir, int maxPerModality = 500)
    {
        var used = MissingInjection.UsedModalities(p.Inputs, model.Modalities);
        var blocks = model.Modalities.ToList();
        if (used.Count < 2) return false;
        var original = used.ToDictionary(m => m, _ => new List<float[]>());
        var imputed = used.ToDictionary(m => m, _ => new List<float[]>());
        var wasTraining = model.Training;
        model.Eval();
        try
        {
            using var noGrad = Engine.NoGrad();
            foreach (var batch in TrainRun.Loader(p.Dataset, rows, p.Training, train: false).Epoch(0))
            {
                using var owned = batch;
                using var scope = DisposeScope.Enter();
                var full = model.Forward(p.Inputs.Inputs(batch));
                if (!full.Features.TryGetValue("V", out var v) || !full.Features.ContainsKey("V_imputed") || v.Dim != 2) return false;
                var d = (int)(v.Size(1) / blocks.Count);
                var vFull = v.To(DType.Float32).ToArray2D<float>();
                var before = Presence(batch, used);
                foreach (var m in used)
                {
                    if (original[m].Count >= maxPerModality) continue;
                    var block = blocks.IndexOf(p.Inputs.Map.First(kv => kv.Value == m && blocks.Contains(kv.Key)).Key);
                    var dropped = MissingInjection.Parse($"{m}=1", 0)!.Inject(batch, used, disposeInput: false);
                    if (ReferenceEquals(dropped, batch)) continue; // no sample could lose m
                    using var droppedOwned = dropped;
                    var after = Presence(dropped, used);
                    var vImp = model.Forward(p.Inputs.Inputs(dropped)).Feature("V_imputed").To(DType.Float32).ToArray2D<float>();
                    for (var b = 0; b < batch.Size && original[m].Count < maxPerModality; b++)
                    {
                        if (!before[m][b] || after[m][b]) continue; // absent anyway, or kept because it was the only one
                        original[m].Add(Enumerable.Range(block * d, d).Select(j => vFull[b, j]).ToArray());
                        imputed[m].Add(Enumerable.Range(block * d, d).Select(j => vImp[b, j]).ToArray());
                    }
                }
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
        using var outScope = DisposeScope.Enter();
        var tensors = new Dictionary<string, Tensor>();
        foreach (var m in used.Where(m => original[m].Count > 0))
        {
            tensors[m + ".original"] = Tensor.From(ToMatrix(original[m]));
            tensors[m + ".imputed"] = Tensor.From(ToMatrix(imputed[m]));
        }
        if (tensors.Count == 0) return false;
        AtomicFile.Write(Path.Combine(runDir, FileName), tmp => SafeTensors.Save(tmp, tensors));
        return true;
    }

    private static Dictionary<string, bool[]> Presence(Medley.Data.Batching.ModalityBatch batch, IReadOnlyList<string> used) =>
        used.ToDictionary(m => m, m => batch.Present.TryGetValue(m, out var t)
            ? t.To(DType.Int64).ToArray<long>().Select(x => x != 0).ToArray()
            : Enumerable.Repeat(true, batch.Size).ToArray());

    private static float[,] ToMatrix(List<float[]> rows)
    {
        var m = new float[rows.Count, rows[0].Length];
        for (var i = 0; i < rows.Count; i++)
            for (var j = 0; j < rows[i].Length; j++) m[i, j] = rows[i][j];
        return m;
    }
}
