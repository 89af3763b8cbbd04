using Medley.Torch.Native;

namespace Medley.Torch.NN;

/// <summary>
/// torch.nn.functional: stateless neural-network ops with PyTorch's semantics and defaults. Arguments are checked
/// here (with messages naming what was expected and what was given) before libtorch sees them. The op families
/// live in the partial files Functional.*.cs.
/// </summary>
public static partial class Functional
{
    // ---- activations ---------------------------------------------------------------------------------------
    public static Tensor Relu(Tensor input) => Errors.Wrap(NativeMethods.mdl_nn_relu(input.Handle), "Relu", input);

    public static Tensor LeakyRelu(Tensor input, double negativeSlope = 0.01) =>
        Errors.Wrap(NativeMethods.mdl_nn_leaky_relu(input.Handle, negativeSlope), "LeakyRelu", input);

    /// <summary>GELU; approximate is "none" (exact erf form) or "tanh".</summary>
    public static Tensor Gelu(Tensor input, string approximate = "none")
    {
        if (approximate != "none" && approximate != "tanh")
            throw new ArgumentException($"Gelu: approximate must be \"none\" or \"tanh\", got \"{approximate}\".", nameof(approximate));
        return Errors.Wrap(NativeMethods.mdl_nn_gelu(input.Handle, approximate == "tanh" ? 1 : 0), "Gelu", input);
    }

    public static Tensor Sigmoid(Tensor input) => Errors.Wrap(NativeMethods.mdl_nn_sigmoid(input.Handle), "Sigmoid", input);
    public static Tensor Tanh(Tensor input) => Errors.Wrap(NativeMethods.mdl_nn_tanh(input.Handle), "Tanh", input);
    public static Tensor Silu(Tensor input) => Errors.Wrap(NativeMethods.mdl_nn_silu(input.Handle), "Silu", input);

    public static Tensor Softmax(Tensor input, long dim)
    {
        CheckDim(input, dim, "Softmax");
        return Errors.Wrap(NativeMethods.mdl_nn_softmax(input.Handle, dim), $"Softmax(dim={dim})", input);
    }

    public static Tensor LogSoftmax(Tensor input, long dim)
    {
        CheckDim(input, dim, "LogSoftmax");
        return Errors.Wrap(NativeMethods.mdl_nn_log_softmax(input.Handle, dim), $"LogSoftmax(dim={dim})", input);
    }

    // ---- dropout -------------------------------------------------------------------------------------------

    /// <summary>Zeroes elements with probability p and scales the rest by 1/(1-p) when training; identity otherwise.
    /// Uses libtorch's global generator (seed it with Engine.ManualSeed).</summary>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true)
    {
        CheckProbability(p, "Dropout");
        return Errors.Wrap(NativeMethods.mdl_nn_dropout(input.Handle, p, training ? 1 : 0), "Dropout", input);
    }

    /// <summary>Zeroes whole channels of [N, C, H, W] input (a 3-d input is treated as [N, C, L], as PyTorch 1.13 does).</summary>
    public static Tensor Dropout2d(Tensor input, double p = 0.5, bool training = true)
    {
        CheckProbability(p, "Dropout2d");
        if (input.Dim != 3 && input.Dim != 4)
            throw new ArgumentException($"Dropout2d expects a 3-d or 4-d input ([N, C, H, W]), got {input.Describe()}.", nameof(input));
        return Errors.Wrap(NativeMethods.mdl_nn_feature_dropout(input.Handle, p, training ? 1 : 0), "Dropout2d", input);
    }

    // ---- embedding and one-hot -----------------------------------------------------------------------------

    /// <summary>Looks up rows of weight [num, dim] for integer indices; rows at paddingIdx get no gradient.</summary>
    public static Tensor Embedding(Tensor input, Tensor weight, long? paddingIdx = null)
    {
        if (weight.Dim != 2)
            throw new ArgumentException($"Embedding expects a 2-d weight [num_embeddings, embedding_dim], got {weight.Describe()}.", nameof(weight));
        var num = weight.Size(0);
        long pad = -1;
        if (paddingIdx is long pi)
        {
            if (pi < -num || pi >= num)
                throw new ArgumentOutOfRangeException(nameof(paddingIdx), $"Embedding: padding_idx {pi} must be within [{-num}, {num}).");
            pad = pi < 0 ? pi + num : pi;
        }
        CheckIndices(input, num, "Embedding", "index", nameof(input));
        return Errors.Wrap(NativeMethods.mdl_nn_embedding(weight.Handle, input.Handle, pad), "Embedding", weight, input);
    }

    /// <summary>int64 one-hot encoding with a trailing class dimension; numClasses -1 means max(input) + 1.</summary>
    public static Tensor OneHot(Tensor input, long numClasses = -1)
    {
        if (input.DType != DType.Int64)
            throw new ArgumentException($"OneHot expects an int64 tensor of class indices, got {input.Describe()}.", nameof(input));
        if (numClasses < -1 || numClasses == 0 && input.NumEl > 0)
            throw new ArgumentOutOfRangeException(nameof(numClasses), $"OneHot: numClasses must be positive or -1, got {numClasses}.");
        if (numClasses > 0) CheckIndices(input, numClasses, "OneHot", "class value", nameof(input));
        else CheckIndices(input, long.MaxValue, "OneHot", "class value", nameof(input));
        return Errors.Wrap(NativeMethods.mdl_nn_one_hot(input.Handle, numClasses), "OneHot", input);
    }

    // ---- shared argument checks ----------------------------------------------------------------------------

    private static void CheckDim(Tensor input, long dim, string op)
    {
        var n = Math.Max(input.Dim, 1);
        if (dim < -n || dim >= n)
            throw new ArgumentOutOfRangeException(nameof(dim), $"{op}: dim {dim} is out of range for {input.Describe()} (expected within [{-n}, {n - 1}]).");
    }

    private static void CheckProbability(double p, string op)
    {
        if (!(p >= 0 && p <= 1))
            throw new ArgumentOutOfRangeException(nameof(p), $"{op}: probability has to be between 0 and 1, got {p}.");
    }

    /// <summary>Copies integer indices to the host and checks 0 ≤ i &lt; limit (libtorch may abort on CUDA otherwise).</summary>
    private static void CheckIndices(Tensor indices, long limit, string op, string what, string param, long? allowed = null)
    {
        if (!indices.DType.IsIntegral())
            throw new ArgumentException($"{op} expects integer {what}s (int64), got {indices.Describe()}.", param);
        if (indices.NumEl == 0) return;
        long[] values;
        using (var asLong = indices.Detach().To(DType.Int64)) values = asLong.ToArray<long>();
        foreach (var v in values)
        {
            if (allowed is long a && v == a) continue;
            if (v < 0 || v >= limit)
                throw new ArgumentOutOfRangeException(param,
                    $"{op}: {what} {v} is out of range; expected 0 ≤ {what} < {limit}" + (allowed is long ig ? $" or the ignore_index {ig}" : "") + ".");
        }
    }

    /// <summary>Expands a per-dimension argument given as one value or as n values (PyTorch's _pair/_triple).</summary>
    private static long[] Expand(long[]? values, int n, long fallback, string name, string op)
    {
        if (values == null || values.Length == 0) return Enumerable.Repeat(fallback, n).ToArray();
        if (values.Length == 1) return Enumerable.Repeat(values[0], n).ToArray();
        if (values.Length != n)
            throw new ArgumentException($"{op}: {name} needs 1 or {n} values, got {values.Length} ([{string.Join(", ", values)}]).", name);
        return (long[])values.Clone();
    }

    private static void CheckAtLeast(long[] values, long min, string name, string op)
    {
        foreach (var v in values)
            if (v < min)
                throw new ArgumentOutOfRangeException(name, $"{op}: every {name} value must be at least {min}, got [{string.Join(", ", values)}].");
    }
}
