using Medley.Models.Encoders.Modality;
using Medley.Models.Inputs;
using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Methods.OmniFuse;

/// <summary>
/// OmniFuse (METHODS.md §2): modality encoders e_m → v_m [B, d] (an absent modality: the encoder's output for an all-zero
/// input) → forward CRA imputation v' (K residual autoencoders; their latent codes s_1..s_K, concatenated, are the joint
/// embedding S) → joint classifier o = g_rs(S); DWFuse per-modality classifiers g_m(v'_m) with ω-weighted losses; a
/// backward CRA for cycle consistency. In training each present modality is dropped on purpose with p_drop (never all)
/// so the imputation has a known target.
/// Auxiliary losses (weighted): "imp_fw" = L_fw, "imp_bw" = λ1·L_bw; <see cref="Loss"/> adds "dw_enc" = λ2·L_enc and
/// "dw_rs" = λ2·α·L_rs (without DWFuse: "ce" = λ2·CE(o, y)), so the total is L = L_fw + λ1·L_bw + λ2·L_DWFuse; the TLA
/// strategy adds λ3·L_TLA. Features: "V" [B, M·d] (before imputation), "V_imputed" [B, M·d], "S" [B, K·latent],
/// "imputed" [B, M] (1 = absent in the input, imputed), "omega" [B, M] (ω with the predicted class; DWFuse only),
/// "modality_logits" [B, M, C] (DWFuse only).
/// </summary>
public sealed class OmniFuseModel : MedleyModel
{
    [Name("modality")] private readonly ModalityEncoderSet encoders;
    [Name("cra_fw")] private readonly CascadeResidualAutoencoder forwardCra;
    [Name("cra_bw")] private readonly CascadeResidualAutoencoder? backwardCra;
    [Name("modality_classifiers")] private readonly ModuleList<Sequential>? modalityClassifiers;
    [Name("joint_classifier")] private readonly Sequential jointClassifier;

    public OmniFuseModel(OmniFuseConfig config)
    {
        config.Validate();
        if (config.Task is not ("binary" or "multiclass" or "multilabel"))
            throw new ArgumentException($"omnifuse: task must be binary, multiclass or multilabel, not '{config.Task}'.");
        Config = config;
        encoders = new ModalityEncoderSet(config, "omnifuse");
        if (encoders.Count == 0) throw new ArgumentException("omnifuse: no modalities (modality_shapes lists none).");
        var width = encoders.Count * encoders.EmbedDim;
        forwardCra = new CascadeResidualAutoencoder(width, config.LatentDim, config.NumAutoencoders);
        if (config.UseBackward) backwardCra = new CascadeResidualAutoencoder(width, config.LatentDim, config.NumAutoencoders);
        if (config.UseDwfuse)
        {
            modalityClassifiers = new ModuleList<Sequential>(Enumerable.Range(0, encoders.Count).Select(_ => Classifier(encoders.EmbedDim)));
            jointClassifier = Classifier(config.NumAutoencoders * config.LatentDim);
        }
        else jointClassifier = Classifier(width);
    }

    private Sequential Classifier(int input) => new(
        new Linear(input, Config.ClassifierHidden), new ReLU(), new Dropout(Config.ClassifierDropout), new Linear(Config.ClassifierHidden, Config.NumClasses));

    public OmniFuseConfig Config { get; }
    public override IReadOnlyList<string> Modalities => encoders.Names;

    /// <summary>The modalities in config order (index m of "omega"/"imputed" and bit m of a TLA combination).</summary>
    public IReadOnlyList<string> ModalityNames => encoders.Names;
    public override int NumClasses => Config.NumClasses;
    public int EmbedDim => encoders.EmbedDim;
    public bool Multilabel => Config.Task == "multilabel";
    public ModalityEncoderSet Encoders => encoders;

    public override ModelOutput Forward(IReadOnlyDictionary<string, Tensor> inputs) => Forward(inputs, null);

    /// <summary>
    /// The forward pass with modalities forced absent: where <paramref name="keep"/>[m] is false, modality m counts as
    /// missing for every sample (its embedding is the zero-input encoding and it is imputed). With
    /// <paramref name="allowDrop"/> false no modality is dropped on purpose even in training mode (TLA's pass).
    /// </summary>
    public ModelOutput Forward(IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyList<bool>? keep, bool allowDrop = true)
    {
        var m = encoders.Count;
        var d = encoders.EmbedDim;
        if (keep != null && keep.Count != m)
            throw new ArgumentException($"omnifuse: the presence pattern has {keep.Count} entries but the model has {m} modalities ({string.Join(", ", ModalityNames)}).");
        var (embeddings, present) = encoders.Encode(inputs);
        var b = embeddings[0].Size(0);
        var presence = Tensor.Stack(present.Select((p, i) => keep == null || keep[i] ? p.To(DType.Bool) : Tensor.Zeros(new[] { b }, DType.Bool)).ToList(), 1);
        var trueV = Tensor.Stack(embeddings, 1);                                       // [B, M, d]
        var zero = Tensor.Cat(encoders.Descriptors.Select(ZeroInputEmbedding).ToList(), 1);   // [1, M, d]

        Tensor? dropped = null;
        var inputPresence = presence;
        if (Training && allowDrop && Config.UseImputation && Config.PDrop > 0 && m > 1)
        {
            dropped = DropMask(presence, Config.PDrop);
            inputPresence = presence.LogicalAnd(dropped.LogicalNot());
        }
        var v = Tensor.Where(inputPresence.Unsqueeze(2), trueV, zero);                // zero-filled by the encoders
        var cra = forwardCra.Forward(v.Reshape(b, m * d));
        var restored = cra.Output.Reshape(b, m, d);
        // [choice] Observed modalities keep their own embedding; only absent ones take the CRA's output.
        var imputed = Config.UseImputation ? Tensor.Where(inputPresence.Unsqueeze(2), v, restored) : v;

        var aux = new Dictionary<string, Tensor>();
        // Targets are detached: the encoders must not make embeddings trivially easy to impute.
        if (dropped != null) aux["imp_fw"] = MaskedMse(restored, trueV.Detach(), dropped);
        if (backwardCra != null)
        {
            var cycle = backwardCra.Forward(cra.Output).Output.Reshape(b, m, d);
            aux["imp_bw"] = MaskedMse(cycle, v.Detach(), inputPresence) * Config.Lambda1;
        }

        var s = Tensor.Cat(cra.Latents, 1);
        var features = new Dictionary<string, Tensor>
        {
            ["V"] = v.Reshape(b, m * d),
            ["V_imputed"] = imputed.Reshape(b, m * d),
            ["S"] = s,
            ["imputed"] = inputPresence.LogicalNot().To(DType.Float32),
        };
        Tensor logits;
        if (modalityClassifiers != null)
        {
            logits = jointClassifier.Forward(s);
            var perModality = Tensor.Stack(Enumerable.Range(0, m).Select(i => modalityClassifiers[i].Forward(imputed.Select(1, i))).ToList(), 1);
            features["modality_logits"] = perModality;
            features["omega"] = PredictedOmega(perModality, logits);
        }
        else logits = jointClassifier.Forward(imputed.Reshape(b, m * d));
        return new ModelOutput(logits, aux, features);
    }

    /// <summary>ω with the joint prediction in place of y (METHODS.md §2.3 [choice]): the patient's modality contributions.</summary>
    private Tensor PredictedOmega(Tensor perModality, Tensor logits)
    {
        using var noGrad = Engine.NoGrad();
        var predicted = Multilabel ? logits.Gt(0.0).To(DType.Float32) : logits.Argmax(1);
        return DwFuse.Omega(DwFuse.TargetProbability(perModality.Detach(), predicted, Multilabel), Config.Beta);
    }

    /// <summary>e_m's output for an all-zero input [1, 1, d], computed in eval mode (no dropout, no batch-statistics update).</summary>
    private Tensor ZeroInputEmbedding(ModalityDescriptor modality)
    {
        var encoder = encoders[modality.Name];
        var x = ModalityInputs.Value(new Dictionary<string, Tensor>(), modality, 1);
        var mask = modality.Kind == "text" ? Tensor.Zeros(new[] { 1L, modality.Shape[0] }, DType.Int64) : null;
        var wasTraining = encoder.Training;
        encoder.Eval();
        try
        {
            using var noGrad = encoder.Frozen ? Engine.NoGrad() : null;
            return encoder.Forward(x, mask).Unsqueeze(1);
        }
        finally
        {
            encoder.Train(wasTraining);
        }
    }

    /// <summary>
    /// Which present modalities to drop on purpose (bool [B, M]): each with probability p, never all of a sample's present
    /// ones (the present modality with the highest draw is kept back when all would go).
    /// </summary>
    public static Tensor DropMask(Tensor presence, double p)
    {
        var draw = Tensor.Rand(presence.Shape);
        var drop = draw.Lt(p).LogicalAnd(presence);
        var all = drop.Eq(presence).All(1).LogicalAnd(presence.Any(1));               // [B]
        var keepBack = Functional.OneHot(Tensor.Where(presence, draw, -1.0).Argmax(1), presence.Size(1)).To(DType.Bool);
        return drop.LogicalAnd(keepBack.LogicalAnd(all.Unsqueeze(1)).LogicalNot());
    }

    /// <summary>Mean squared difference over the selected modality slots ([B, M] mask over [B, M, d]); 0 when none.</summary>
    private static Tensor MaskedMse(Tensor a, Tensor b, Tensor slots)
    {
        var w = slots.To(a.DType);
        var perSlot = (a - b).Square().Mean(2);
        return (perSlot * w).Sum() / (w.Sum().Clamp(1.0));
    }

    public override LossTerms Loss(ModelOutput output, Tensor target) => OmniLoss(output, target, multilabel: false);

    public override LossTerms MultilabelLoss(ModelOutput output, Tensor target) => OmniLoss(output, target, multilabel: true);

    /// <summary>L = L_fw + λ1·L_bw + λ2·(L_enc + α·L_rs) (+ any other auxiliary loss, e.g. none); terms by name.</summary>
    private LossTerms OmniLoss(ModelOutput output, Tensor target, bool multilabel)
    {
        var terms = new Dictionary<string, Tensor>();
        var joint = multilabel
            ? Functional.BinaryCrossEntropyWithLogits(output.Logits, target.To(output.Logits.DType))
            : Functional.CrossEntropy(output.Logits, target.To(DType.Int64));
        if (output.Features.TryGetValue("modality_logits", out var perModality))
        {
            terms["dw_enc"] = DwFuse.EncoderLoss(perModality, target, multilabel, Config.Beta) * Config.Lambda2;
            terms["dw_rs"] = joint * (Config.Lambda2 * Config.Alpha);
        }
        else terms["ce"] = joint * Config.Lambda2;
        foreach (var (name, value) in output.AuxiliaryLosses) terms[name] = value;
        var total = terms.Values.Aggregate((x, y) => x + y);
        return new LossTerms(total, terms);
    }
}
