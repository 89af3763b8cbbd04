using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Methods.FusionBaselines;

/// <summary>
/// medfuse (Hayat et al., MLHC 2022): each modality's embedding becomes a token t_m = W_m v_m + b_m; an LSTM runs
/// over the tokens of the modalities a sample HAS, in config order, with absent ones skipped (not zero-filled): the
/// present tokens are packed to the front and the LSTM runs over each sample's own length (pack_padded_sequence), so
/// an absent modality's tensor cannot influence that sample's output. The final hidden state → MLP head.
/// A sample with no modality present gets one learned "empty" token (a length-1 sequence), so its logits are the
/// same learned constant for every such sample, whatever tensors it carries.
/// </summary>
public sealed class MedFuseModel : FusionBaselineModel
{
    private readonly ModuleDict<Linear> tokens;
    [Name("empty_token")] private readonly Parameter emptyToken;
    private readonly LSTM lstm;
    private readonly MlpHead head;

    public MedFuseModel(MedFuseConfig config) : base(config, "medfuse")
    {
        if (config.LstmHidden < 1) throw new ArgumentException($"medfuse: lstm_hidden must be positive, got {config.LstmHidden}.");
        Config = config;
        var d = Encoders.EmbedDim;
        tokens = new ModuleDict<Linear>();
        foreach (var name in Encoders.Names) tokens.Add(name, new Linear(d, d));
        emptyToken = new Parameter(Tensor.Zeros(d));
        lstm = new LSTM(d, config.LstmHidden, batchFirst: true);
        head = new MlpHead(config.LstmHidden, config.HeadHidden, config.NumClasses, config.Dropout);
    }

    public MedFuseConfig Config { get; }

    protected override Tensor Fuse(IReadOnlyList<Tensor> v, IReadOnlyList<Tensor> present, Dictionary<string, Tensor> features)
    {
        var m = v.Count;
        var batch = v[0].Size(0);
        var d = Encoders.EmbedDim;
        // Slots 0..M-1: the modality tokens; slot M: the empty token (for samples with nothing present).
        var slots = new List<Tensor>(m + 1);
        for (var i = 0; i < m; i++) slots.Add(tokens[Encoders.Names[i]].Forward(v[i]));
        slots.Add(emptyToken.Unsqueeze(0).Expand(batch, d));
        var all = Tensor.Stack(slots, 1);                                     // [B, M+1, d]

        var (order, lengths) = PackOrder(present, batch);
        var index = Tensor.From(order, new[] { batch, (long)m }, all.Device).Unsqueeze(2).Expand(batch, m, d);
        var sequence = all.Gather(1, index);                                  // [B, M, d], present tokens first
        var (_, (h, _)) = lstm.Forward(sequence, null, lengths);
        return head.Forward(h.Select(0, -1));
    }

    /// <summary>Per sample: the slot of each sequence position (present modalities in config order, then padding)
    /// and the sequence length (number present, or 1 for the empty token).</summary>
    internal static (long[] Order, long[] Lengths) PackOrder(IReadOnlyList<Tensor> present, long batch)
    {
        var m = present.Count;
        var flags = present.Select(p => p.To(DType.Bool).ToArray<bool>()).ToArray();
        var order = new long[batch * m];
        var lengths = new long[batch];
        for (var b = 0; b < batch; b++)
        {
            var k = 0;
            for (var i = 0; i < m; i++)
                if (flags[i][b]) order[b * m + k++] = i;
            lengths[b] = k;
            if (k == 0)
            {
                order[b * m] = m;
                lengths[b] = 1;
                k = 1;
            }
            // Padding positions past the length are ignored by the packed LSTM; point them at slot 0.
            for (; k < m; k++) order[b * m + k] = 0;
        }
        return (order, lengths);
    }
}
