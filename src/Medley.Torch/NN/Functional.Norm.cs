using Medley.Torch.Native;

namespace Medley.Torch.NN;

public static partial class Functional
{
    /// <summary>Normalises over the trailing <paramref name="normalizedShape"/> dimensions, then scales and shifts.</summary>
    public static unsafe Tensor LayerNorm(Tensor input, long[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        var shape = input.Shape;
        var n = normalizedShape.Length;
        if (n == 0 || n > shape.Length || !shape.Skip(shape.Length - n).SequenceEqual(normalizedShape))
            throw new ArgumentException(
                $"LayerNorm: expected an input whose trailing dimensions are {Tensor.ShapeText(normalizedShape)}, got {input.Describe()}.", nameof(input));
        CheckAffine("LayerNorm", weight, normalizedShape, nameof(weight));
        CheckAffine("LayerNorm", bias, normalizedShape, nameof(bias));
        fixed (long* p = normalizedShape)
            return Errors.Wrap(NativeMethods.mdl_nn_layer_norm(input.Handle, p, n, weight?.Handle ?? IntPtr.Zero, bias?.Handle ?? IntPtr.Zero, eps),
                "LayerNorm", input, weight, bias);
    }

    /// <summary>
    /// Batch normalisation over channel dimension 1. Training uses the batch statistics and updates runningMean and
    /// runningVar in place (new = (1 − momentum)·old + momentum·batch, unbiased variance); evaluation uses them.
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        const string op = "BatchNorm";
        if (input.Dim < 2)
            throw new ArgumentException($"{op} expects an input with a channel dimension [N, C, ...], got {input.Describe()}.", nameof(input));
        var shape = input.Shape;
        var channels = shape[1];
        var c = new[] { channels };
        CheckAffine(op, runningMean, c, nameof(runningMean));
        CheckAffine(op, runningVar, c, nameof(runningVar));
        CheckAffine(op, weight, c, nameof(weight));
        CheckAffine(op, bias, c, nameof(bias));
        if (!training && (runningMean == null || runningVar == null))
            throw new ArgumentException($"{op}: evaluation mode (training: false) needs runningMean and runningVar.");
        if (training)
        {
            long perChannel = 1;
            for (var i = 0; i < shape.Length; i++)
                if (i != 1) perChannel *= shape[i];
            if (perChannel <= 1)
                throw new ArgumentException($"{op}: expected more than 1 value per channel when training, got input {input.Describe()}.", nameof(input));
        }
        return Errors.Wrap(NativeMethods.mdl_nn_batch_norm(input.Handle, weight?.Handle ?? IntPtr.Zero, bias?.Handle ?? IntPtr.Zero,
                runningMean?.Handle ?? IntPtr.Zero, runningVar?.Handle ?? IntPtr.Zero, training ? 1 : 0, momentum, eps),
            op, input, runningMean, runningVar, weight, bias);
    }

    /// <summary>Normalises each group of C/numGroups channels of [N, C, ...] input.</summary>
    public static Tensor GroupNorm(Tensor input, long numGroups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        const string op = "GroupNorm";
        if (input.Dim < 2)
            throw new ArgumentException($"{op} expects an input [N, C, ...], got {input.Describe()}.", nameof(input));
        var channels = input.Size(1);
        if (numGroups < 1 || channels % numGroups != 0)
            throw new ArgumentException($"{op}: {channels} channels can't be split into {numGroups} groups (input {input.Describe()}).", nameof(numGroups));
        CheckAffine(op, weight, new[] { channels }, nameof(weight));
        CheckAffine(op, bias, new[] { channels }, nameof(bias));
        return Errors.Wrap(NativeMethods.mdl_nn_group_norm(input.Handle, numGroups, weight?.Handle ?? IntPtr.Zero, bias?.Handle ?? IntPtr.Zero, eps),
            op, input, weight, bias);
    }

    /// <summary>Normalises each channel of each sample over its spatial dimensions ([N, C, ...]).</summary>
    public static Tensor InstanceNorm(Tensor input, Tensor? runningMean = null, Tensor? runningVar = null, Tensor? weight = null,
        Tensor? bias = null, bool useInputStats = true, double momentum = 0.1, double eps = 1e-5)
    {
        const string op = "InstanceNorm";
        if (input.Dim < 3)
            throw new ArgumentException($"{op} expects an input [N, C, spatial...], got {input.Describe()}.", nameof(input));
        var c = new[] { input.Size(1) };
        CheckAffine(op, runningMean, c, nameof(runningMean));
        CheckAffine(op, runningVar, c, nameof(runningVar));
        CheckAffine(op, weight, c, nameof(weight));
        CheckAffine(op, bias, c, nameof(bias));
        if (!useInputStats && (runningMean == null || runningVar == null))
            throw new ArgumentException($"{op}: useInputStats: false needs runningMean and runningVar.");
        return Errors.Wrap(NativeMethods.mdl_nn_instance_norm(input.Handle, weight?.Handle ?? IntPtr.Zero, bias?.Handle ?? IntPtr.Zero,
                runningMean?.Handle ?? IntPtr.Zero, runningVar?.Handle ?? IntPtr.Zero, useInputStats ? 1 : 0, momentum, eps),
            op, input, weight, bias);
    }

    /// <summary>x / max(‖x‖_p, eps) along dim (torch.nn.functional.normalize).</summary>
    public static Tensor Normalize(Tensor input, double p = 2, long dim = 1, double eps = 1e-12)
    {
        CheckDim(input, dim, "Normalize");
        using var scope = DisposeScope.Enter();
        var norm = Errors.Wrap(NativeMethods.mdl_nn_norm_keepdim(input.Handle, p, dim), "Normalize", input);
        var denom = Errors.Wrap(NativeMethods.mdl_nn_clamp_min(norm.Handle, eps), "Normalize", norm);
        return scope.Keep(input.Div(denom));
    }

    private static void CheckAffine(string op, Tensor? t, long[] expected, string name)
    {
        if (t != null && !t.Shape.SequenceEqual(expected))
            throw new ArgumentException($"{op}: expected {name} of shape {Tensor.ShapeText(expected)}, got {t.Describe()}.", name);
    }
}
