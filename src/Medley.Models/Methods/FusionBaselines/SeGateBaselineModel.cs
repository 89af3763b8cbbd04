using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Methods.FusionBaselines;

/// <summary>
/// se-gate: squeeze-and-excitation with the modalities as channels. Squeeze: z_m = mean over the d features of v_m
/// ([B, M]); excitation: g = gate(W_2 ReLU(W_1 z)) ([B, M]); fused = [g_1 v_1; …; g_M v_M] → MLP.
/// gate = sigmoid (default, SE-Net's: each g_m in (0, 1) independently) or softmax (the gates of a sample sum to 1).
/// The gates are the feature "gates".
/// </summary>
public sealed class SeGateBaselineModel : FusionBaselineModel
{
    private readonly Linear excite1;
    private readonly Linear excite2;
    private readonly MlpHead head;

    public SeGateBaselineModel(SeGateConfig config) : base(config, "se-gate")
    {
        if (config.Gate is not ("sigmoid" or "softmax")) throw new ArgumentException($"se-gate: gate must be sigmoid or softmax, not '{config.Gate}'.");
        if (config.SeHidden < 0) throw new ArgumentException($"se-gate: se_hidden must be 0 (= 4·M) or positive, got {config.SeHidden}.");
        Config = config;
        var m = Encoders.Count;
        var hidden = config.SeHidden > 0 ? config.SeHidden : 4 * m;
        excite1 = new Linear(m, hidden);
        excite2 = new Linear(hidden, m);
        head = new MlpHead((long)m * Encoders.EmbedDim, config.HeadHidden, config.NumClasses, config.Dropout);
    }

    public SeGateConfig Config { get; }

    protected override Tensor Fuse(IReadOnlyList<Tensor> v, IReadOnlyList<Tensor> present, Dictionary<string, Tensor> features)
    {
        var stacked = Tensor.Stack(v, 1);                                   // [B, M, d]
        var squeezed = stacked.Mean(2);                                      // [B, M]
        var excited = excite2.Forward(excite1.Forward(squeezed).Relu());
        var gates = Config.Gate == "softmax" ? excited.Softmax(1) : excited.Sigmoid();
        features["gates"] = gates;
        return head.Forward((stacked * gates.Unsqueeze(2)).Flatten(1));
    }
}
