using Medley.Data.Spec;
using Medley.Models;
using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Training;

/// <summary>
/// The training loss for a task: binary and multiclass use the model's own loss (cross-entropy over its class
/// logits plus its auxiliary losses; binary labels become class indices 0/1); multilabel uses binary cross-entropy
/// with logits per label plus the auxiliary losses.
/// </summary>
public static class TaskLoss
{
    public static LossTerms Compute(MedleyModel model, ModelOutput output, Tensor labels, TaskKind task)
    {
        if (task != TaskKind.Multilabel) return model.Loss(output, labels.To(DType.Int64));
        return model.MultilabelLoss(output, labels.To(output.Logits.DType));
    }

    /// <summary>Class probabilities from logits: softmax, or a sigmoid per label for multilabel.</summary>
    public static Tensor Probabilities(Tensor logits, TaskKind task) =>
        task == TaskKind.Multilabel ? Functional.Sigmoid(logits) : Functional.Softmax(logits, 1);
}
