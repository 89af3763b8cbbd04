using Medley.Torch.Native;

namespace Medley.Torch.NN;

/// <summary>How a loss combines per-element values (the numbers are at::Reduction's).</summary>
public enum Reduction { None = 0, Mean = 1, Sum = 2 }

public static partial class Functional
{
    /// <summary>
    /// Cross entropy of logits [N, C, d...] (or [C]) against class indices (int64 [N, d...]) or class probabilities
    /// (same shape as input), as torch.nn.functional.cross_entropy. Targets equal to ignoreIndex are skipped.
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100,
        Reduction reduction = Reduction.Mean, double labelSmoothing = 0)
    {
        const string op = "CrossEntropy";
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), $"{op}: labelSmoothing must be within [0, 1], got {labelSmoothing}.");
        var classes = CheckClassifierInput(op, input, weight);
        if (target.DType.IsFloatingPoint())
        {
            if (!target.Shape.SequenceEqual(input.Shape))
                throw new ArgumentException($"{op}: probability targets must have the input's shape {Tensor.ShapeText(input.Shape)}, got {target.Describe()}.", nameof(target));
        }
        else CheckClassTargets(op, input, target, classes, ignoreIndex);
        return Errors.Wrap(NativeMethods.mdl_nn_cross_entropy(input.Handle, target.Handle, weight?.Handle ?? IntPtr.Zero, (long)reduction, ignoreIndex, labelSmoothing),
            op, input, target, weight);
    }

    /// <summary>Negative log-likelihood of log-probabilities [N, C, d...] (or [C]) against int64 class indices.</summary>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        const string op = "NllLoss";
        var classes = CheckClassifierInput(op, input, weight);
        CheckClassTargets(op, input, target, classes, ignoreIndex);
        return Errors.Wrap(NativeMethods.mdl_nn_nll_loss(input.Handle, target.Handle, weight?.Handle ?? IntPtr.Zero, (long)reduction, ignoreIndex),
            op, input, target, weight);
    }

    /// <summary>Sigmoid + binary cross entropy in one stable step; posWeight scales the positive term per class.</summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, Tensor? posWeight = null,
        Reduction reduction = Reduction.Mean)
    {
        const string op = "BinaryCrossEntropyWithLogits";
        CheckSameShape(op, input, target);
        return Errors.Wrap(NativeMethods.mdl_nn_bce_with_logits(input.Handle, target.Handle, weight?.Handle ?? IntPtr.Zero, posWeight?.Handle ?? IntPtr.Zero, (long)reduction),
            op, input, target, weight, posWeight);
    }

    /// <summary>Binary cross entropy of probabilities in [0, 1].</summary>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        const string op = "BinaryCrossEntropy";
        CheckSameShape(op, input, target);
        if (input.Device.Type != DeviceType.CPU)
        {
            // On GPUs libtorch asserts inside the kernel (poisoning the context) rather than throwing.
            double[] values;
            using (var d = input.Detach().To(DType.Float64)) values = d.ToArray<double>();
            if (values.Any(v => !(v >= 0 && v <= 1)))
                throw new ArgumentOutOfRangeException(nameof(input), $"{op}: every input value must be a probability in [0, 1].");
        }
        return Errors.Wrap(NativeMethods.mdl_nn_bce(input.Handle, target.Handle, weight?.Handle ?? IntPtr.Zero, (long)reduction), op, input, target, weight);
    }

    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape("MseLoss", input, target);
        return Errors.Wrap(NativeMethods.mdl_nn_mse_loss(input.Handle, target.Handle, (long)reduction), "MseLoss", input, target);
    }

    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape("L1Loss", input, target);
        return Errors.Wrap(NativeMethods.mdl_nn_l1_loss(input.Handle, target.Handle, (long)reduction), "L1Loss", input, target);
    }

    /// <summary>Huber-like loss: quadratic below beta, linear above.</summary>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1.0)
    {
        CheckSameShape("SmoothL1Loss", input, target);
        if (beta < 0) throw new ArgumentOutOfRangeException(nameof(beta), $"SmoothL1Loss: beta must be non-negative, got {beta}.");
        return Errors.Wrap(NativeMethods.mdl_nn_smooth_l1_loss(input.Handle, target.Handle, (long)reduction, beta), "SmoothL1Loss", input, target);
    }

    /// <summary>Cosine of the angle between x1 and x2 along dim (inputs broadcast).</summary>
    public static Tensor CosineSimilarity(Tensor x1, Tensor x2, long dim = 1, double eps = 1e-8)
    {
        CheckDim(x1, dim, "CosineSimilarity");
        return Errors.Wrap(NativeMethods.mdl_nn_cosine_similarity(x1.Handle, x2.Handle, dim, eps), "CosineSimilarity", x1, x2);
    }

    // ---- checks -------------------------------------------------------------------------------------------

    private static long CheckClassifierInput(string op, Tensor input, Tensor? weight)
    {
        if (input.Dim < 1)
            throw new ArgumentException($"{op} expects scores [N, C, ...] or [C], got {input.Describe()}.", nameof(input));
        var classes = input.Size(input.Dim == 1 ? 0 : 1);
        if (weight != null && (weight.Dim != 1 || weight.Size(0) != classes))
            throw new ArgumentException($"{op}: expected a class weight of shape [{classes}], got {weight.Describe()}.", nameof(weight));
        return classes;
    }

    private static void CheckClassTargets(string op, Tensor input, Tensor target, long classes, long ignoreIndex)
    {
        if (target.DType != DType.Int64)
            throw new ArgumentException($"{op}: class-index targets must be int64, got {target.Describe()}.", nameof(target));
        var shape = input.Shape;
        var expected = shape.Length == 1 ? Array.Empty<long>() : shape.Take(1).Concat(shape.Skip(2)).ToArray();
        if (!target.Shape.SequenceEqual(expected))
            throw new ArgumentException($"{op}: for input {input.Describe()} the class-index target must have shape {Tensor.ShapeText(expected)}, got {target.Describe()}.", nameof(target));
        CheckIndices(target, classes, op, "target", nameof(target), ignoreIndex);
    }

    private static void CheckSameShape(string op, Tensor input, Tensor target)
    {
        if (!input.Shape.SequenceEqual(target.Shape))
            throw new ArgumentException($"{op}: target shape {Tensor.ShapeText(target.Shape)} differs from input shape {Tensor.ShapeText(input.Shape)}.", nameof(target));
    }
}
