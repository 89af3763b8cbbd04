using Medley.Models.Encoders;
using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Fusion;

/// <summary>
/// Cross-modal transformer fusion (METHODS.md §1.4): image queries attend to lab keys/values,
/// Q = x_I·W_Q, K = x_L·W_K, V = x_L·W_V, A = softmax(Q·Kᵀ/√d_k) per head, F_fuse = mean over query tokens of
/// LayerNorm(x_I + out_proj(A·V)). Vector form: one query token (F_I') and one key token (F_L'); token form:
/// [F_I'; patch tokens] attend to [F_L'; lab step tokens]. After structured pruning the inputs are narrower than
/// the model width: the projections read only the kept columns and the residual scatters the kept query features
/// back to their positions (zeros elsewhere), so outputs equal the unpruned module's with those dims zeroed.
/// </summary>
public sealed class CrossModalTransformer : Module
{
    [Name("q_proj")] private readonly Linear qProj;
    [Name("k_proj")] private readonly Linear kProj;
    [Name("v_proj")] private readonly Linear vProj;
    [Name("out_proj")] private readonly Linear outProj;
    private readonly LayerNorm norm;
    private readonly Tensor? residualIndex;
    public readonly int ModelDim;
    public readonly int Heads;

    /// <param name="queryDim">Features of the image tokens.</param>
    /// <param name="keyDim">Features of the lab tokens.</param>
    /// <param name="modelDim">Attention/output width d (= queryDim unless pruned).</param>
    /// <param name="heads">Attention heads; must divide modelDim.</param>
    /// <param name="queryPositions">After pruning: the position in [0, modelDim) of each query feature.</param>
    public CrossModalTransformer(int queryDim, int keyDim, int modelDim, int heads, IReadOnlyList<int>? queryPositions = null)
    {
        if (queryDim <= 0 || keyDim <= 0 || modelDim <= 0 || heads <= 0)
            throw new ArgumentException($"CrossModalTransformer: widths ({queryDim}, {keyDim}, {modelDim}) and heads ({heads}) must be positive.");
        if (modelDim % heads != 0)
            throw new ArgumentException($"CrossModalTransformer: the width {modelDim} must be divisible by the number of heads {heads} (set cmt_heads to a divisor of dim).");
        if (queryPositions == null && queryDim != modelDim)
            throw new ArgumentException($"CrossModalTransformer: query width {queryDim} differs from the model width {modelDim} but no query positions were given.");
        ModelDim = modelDim;
        Heads = heads;
        qProj = new Linear(queryDim, modelDim);
        kProj = new Linear(keyDim, modelDim);
        vProj = new Linear(keyDim, modelDim);
        outProj = new Linear(modelDim, modelDim);
        foreach (var l in new[] { qProj, kProj, vProj, outProj }) ImageEncoder.InitLinear(l);
        norm = new LayerNorm(modelDim);
        if (queryPositions != null)
        {
            if (queryPositions.Count != queryDim)
                throw new ArgumentException($"CrossModalTransformer: {queryPositions.Count} query positions for {queryDim} query features.");
            VitImageEncoder.CheckKeep(queryPositions, modelDim, "query");
            // Gather index into [queries ; 0]: position j reads query feature k where queryPositions[k] = j, else the zero column.
            var gather = Enumerable.Repeat(queryDim, modelDim).ToArray();
            for (var k = 0; k < queryDim; k++) gather[queryPositions[k]] = k;
            residualIndex = ImageEncoder.IndexTensor(gather);
        }
    }

    public Linear QProj => qProj;
    public Linear KProj => kProj;
    public Linear VProj => vProj;

    /// <summary>queries (B, Lq, queryDim), keys (B, Lk, keyDim) → F_fuse (B, modelDim).</summary>
    public Tensor Forward(Tensor queries, Tensor keys)
    {
        if (queries.Dim != 3 || keys.Dim != 3 || queries.Size(0) != keys.Size(0)
            || queries.Size(2) != qProj.InFeatures || keys.Size(2) != kProj.InFeatures)
            throw new ArgumentException(
                $"CrossModalTransformer expects queries (B, Lq, {qProj.InFeatures}) and keys (B, Lk, {kProj.InFeatures}), got {queries.Describe()} and {keys.Describe()}.");
        var (b, lq) = (queries.Size(0), queries.Size(1));
        // softmax(q·kᵀ/√hd)·v per head, heads side by side in (B, Lq, modelDim).
        var attended = Functional.Attention(qProj.Forward(queries), kProj.Forward(keys), vProj.Forward(keys), Heads);
        var residual = queries;
        if (residualIndex != null)
        {
            var zero = Tensor.Zeros(new[] { b, lq, 1L }, queries.DType);
            residual = Tensor.Cat(new[] { queries, zero }, 2).IndexSelect(2, residualIndex);
        }
        return norm.Forward(residual + outProj.Forward(attended)).Mean(1);
    }

    protected override void OnDispose() => residualIndex?.Dispose();
}
