using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Methods.FusionBaselines;

/// <summary>
/// g-blend (Wang et al., CVPR 2020): the fused head MLP([v_1; …; v_M]) plus one auxiliary head MLP(v_m) per
/// modality (feature "logits.&lt;name&gt;"). The prediction is the fused head's; the GBlendStrategy trains
/// Σ_k w_k·L_k over the M + 1 heads with weights from their overfitting-to-generalisation ratios. Trained with the
/// standard step instead, the auxiliary heads get no loss.
/// </summary>
public sealed class GBlendModel : FusionBaselineModel
{
    private readonly MlpHead head;
    [Name("aux_heads")] private readonly ModuleDict<MlpHead> auxHeads;

    public GBlendModel(GBlendConfig config) : base(config, "g-blend")
    {
        if (config.GblendEvery < 1) throw new ArgumentException($"g-blend: gblend_every must be at least 1, got {config.GblendEvery}.");
        Config = config;
        head = new MlpHead((long)Encoders.Count * Encoders.EmbedDim, config.HeadHidden, config.NumClasses, config.Dropout);
        auxHeads = new ModuleDict<MlpHead>();
        foreach (var name in Encoders.Names) auxHeads.Add(name, new MlpHead(Encoders.EmbedDim, config.HeadHidden, config.NumClasses, config.Dropout));
    }

    public GBlendConfig Config { get; }

    /// <summary>The blended heads in weight order: each modality's auxiliary head, then "fused".</summary>
    public IReadOnlyList<string> HeadNames => Encoders.Names.Append("fused").ToList();

    protected override Tensor Fuse(IReadOnlyList<Tensor> v, IReadOnlyList<Tensor> present, Dictionary<string, Tensor> features)
    {
        for (var m = 0; m < v.Count; m++) features[LogitsFeature(Encoders.Names[m])] = auxHeads[Encoders.Names[m]].Forward(v[m]);
        return head.Forward(v.Count == 1 ? v[0] : Tensor.Cat(v, 1));
    }
}
