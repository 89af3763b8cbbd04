using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Methods.FusionBaselines;

/// <summary>sum: logits = MLP(Σ_m W_m v_m + b_m), one linear projection d → d per modality.</summary>
public sealed class SumBaselineModel : FusionBaselineModel
{
    private readonly ModuleDict<Linear> projections;
    private readonly MlpHead head;

    public SumBaselineModel(SumConfig config) : base(config, "sum")
    {
        Config = config;
        projections = new ModuleDict<Linear>();
        foreach (var name in Encoders.Names) projections.Add(name, new Linear(Encoders.EmbedDim, Encoders.EmbedDim));
        head = new MlpHead(Encoders.EmbedDim, config.HeadHidden, config.NumClasses, config.Dropout);
    }

    public SumConfig Config { get; }

    protected override Tensor Fuse(IReadOnlyList<Tensor> v, IReadOnlyList<Tensor> present, Dictionary<string, Tensor> features)
    {
        var fused = projections[Encoders.Names[0]].Forward(v[0]);
        for (var m = 1; m < v.Count; m++) fused = fused + projections[Encoders.Names[m]].Forward(v[m]);
        return head.Forward(fused);
    }
}
