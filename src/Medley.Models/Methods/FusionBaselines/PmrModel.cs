using Medley.Torch;

namespace Medley.Models.Methods.FusionBaselines;

/// <summary>
/// pmr (Fan et al., CVPR 2023): a concat model, MLP([v_1; …; v_M]); what makes it PMR is its training (PmrStrategy):
/// class prototypes per modality from the embeddings "v.&lt;name&gt;", prototype cross-entropy that boosts the slow
/// modality and an entropy regulariser on the dominant one early in training.
/// </summary>
public sealed class PmrModel : FusionBaselineModel
{
    private readonly MlpHead head;

    public PmrModel(PmrConfig config) : base(config, "pmr")
    {
        if (config.Alpha < 0 || config.Mu < 0 || config.EntropyEpochs < 0)
            throw new ArgumentException($"pmr: alpha, mu and entropy_epochs must be non-negative, got {config.Alpha}, {config.Mu} and {config.EntropyEpochs}.");
        Config = config;
        head = new MlpHead((long)Encoders.Count * Encoders.EmbedDim, config.HeadHidden, config.NumClasses, config.Dropout);
    }

    public PmrConfig Config { get; }

    protected override Tensor Fuse(IReadOnlyList<Tensor> v, IReadOnlyList<Tensor> present, Dictionary<string, Tensor> features) =>
        head.Forward(v.Count == 1 ? v[0] : Tensor.Cat(v, 1));
}
