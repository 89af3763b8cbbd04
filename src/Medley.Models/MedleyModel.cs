using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models;

/// <summary>
/// Base of the assembled methods: inputs keyed by modality name ("image", "labs", ...), a <see cref="ModelOutput"/>
/// out. The default loss is cross-entropy on the logits plus every auxiliary loss the model reports, so a trainer
/// needs nothing method-specific.
/// </summary>
public abstract class MedleyModel : Module
{
    /// <summary>Modality names this model reads from the input dictionary.</summary>
    public abstract IReadOnlyList<string> Modalities { get; }

    /// <summary>Number of classes the logits cover.</summary>
    public abstract int NumClasses { get; }

    public abstract ModelOutput Forward(IReadOnlyDictionary<string, Tensor> inputs);

    /// <summary>CE(logits, target) + Σ auxiliary losses. Terms: "ce" and each auxiliary loss by name.</summary>
    public virtual LossTerms Loss(ModelOutput output, Tensor target)
    {
        var ce = Functional.CrossEntropy(output.Logits, target);
        var terms = new Dictionary<string, Tensor> { ["ce"] = ce };
        var total = ce;
        foreach (var (name, value) in output.AuxiliaryLosses)
        {
            terms[name] = value;
            total = total + value;
        }
        return new LossTerms(total, terms);
    }

    /// <summary>
    /// The multilabel loss: binary cross-entropy with logits per label (targets 0/1 floats [B, C]) + Σ auxiliary losses.
    /// Terms: "bce" and each auxiliary loss by name. Methods whose multilabel loss differs (OmniFuse) override it.
    /// </summary>
    public virtual LossTerms MultilabelLoss(ModelOutput output, Tensor target)
    {
        var bce = Functional.BinaryCrossEntropyWithLogits(output.Logits, target.To(output.Logits.DType));
        var terms = new Dictionary<string, Tensor> { ["bce"] = bce };
        var total = bce;
        foreach (var (name, value) in output.AuxiliaryLosses)
        {
            terms[name] = value;
            total = total + value;
        }
        return new LossTerms(total, terms);
    }

    /// <summary>The input tensor of one modality, or an error naming what the model needs.</summary>
    protected Tensor Input(IReadOnlyDictionary<string, Tensor> inputs, string modality) =>
        inputs.TryGetValue(modality, out var t)
            ? t
            : throw new ArgumentException(
                $"{GetType().Name} needs the modalities [{string.Join(", ", Modalities)}] but the batch has no '{modality}' (it has: [{string.Join(", ", inputs.Keys)}]).");
}
