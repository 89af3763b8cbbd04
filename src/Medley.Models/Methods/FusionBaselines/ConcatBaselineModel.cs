using Medley.Torch;

namespace Medley.Models.Methods.FusionBaselines;

/// <summary>
/// concat: logits = MLP([v_1; …; v_M]). Selecting one modality (<c>modalities: [image]</c>) makes it the uni-modal
/// baseline of OmniFuse's Table 2 (that modality's encoder + the same head).
/// </summary>
public sealed class ConcatBaselineModel : FusionBaselineModel
{
    private readonly MlpHead head;

    public ConcatBaselineModel(ConcatConfig config) : base(config, "concat")
    {
        Config = config;
        head = new MlpHead((long)Encoders.Count * Encoders.EmbedDim, config.HeadHidden, config.NumClasses, config.Dropout);
    }

    public ConcatConfig Config { get; }

    protected override Tensor Fuse(IReadOnlyList<Tensor> v, IReadOnlyList<Tensor> present, Dictionary<string, Tensor> features) =>
        head.Forward(v.Count == 1 ? v[0] : Tensor.Cat(v, 1));
}
