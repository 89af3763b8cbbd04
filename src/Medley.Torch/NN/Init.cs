using Medley.Torch.Native;

namespace Medley.Torch.NN;

/// <summary>Which fan Kaiming initialisation preserves: the forward pass (FanIn) or the backward pass (FanOut).</summary>
public enum FanMode
{
    FanIn,
    FanOut,
}

/// <summary>
/// Parameter initialisers with torch.nn.init's formulas and random-number use: with the same seed they fill a tensor
/// with exactly the values PyTorch would. They work in place without recording gradients (so they apply to
/// parameters directly) and return the tensor. A <see cref="Generator"/> makes them independent of the global seed.
/// </summary>
public static class Init
{
    private static readonly string[] LinearFunctions =
        { "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d" };

    /// <summary>
    /// The recommended gain for a nonlinearity (torch.nn.init.calculate_gain): 1 for linear/conv/sigmoid, 5/3 for tanh,
    /// √2 for relu, √(2/(1+slope²)) for leaky_relu (slope = <paramref name="param"/>, default 0.01), 3/4 for selu.
    /// </summary>
    public static double CalculateGain(string nonlinearity, double? param = null)
    {
        ArgumentNullException.ThrowIfNull(nonlinearity);
        if (LinearFunctions.Contains(nonlinearity) || nonlinearity == "sigmoid") return 1;
        switch (nonlinearity)
        {
            case "tanh": return 5.0 / 3;
            case "relu": return Math.Sqrt(2.0);
            case "leaky_relu":
                var slope = param ?? 0.01;
                if (double.IsNaN(slope) || double.IsInfinity(slope))
                    throw new ArgumentException($"CalculateGain: negative slope {slope} is not a valid number.", nameof(param));
                return Math.Sqrt(2.0 / (1 + slope * slope));
            case "selu": return 3.0 / 4;
            default:
                throw new ArgumentException(
                    $"CalculateGain: unsupported nonlinearity '{nonlinearity}' (expected one of {string.Join(", ", LinearFunctions)}, sigmoid, tanh, relu, leaky_relu, selu).",
                    nameof(nonlinearity));
        }
    }

    /// <summary>
    /// Fan-in and fan-out as PyTorch computes them: dimension 1 and dimension 0 times the receptive field (the
    /// product of the remaining dimensions). Needs at least 2 dimensions.
    /// </summary>
    public static (long FanIn, long FanOut) CalculateFanInAndFanOut(Tensor tensor)
    {
        var shape = tensor.Shape;
        if (shape.Length < 2)
            throw new ArgumentException(
                $"Fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (got {tensor.Describe()}).", nameof(tensor));
        long receptive = 1;
        for (var i = 2; i < shape.Length; i++) receptive *= shape[i];
        return (shape[1] * receptive, shape[0] * receptive);
    }

    private static long CorrectFan(Tensor tensor, FanMode mode)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        return mode switch
        {
            FanMode.FanIn => fanIn,
            FanMode.FanOut => fanOut,
            _ => throw new ArgumentException($"Mode {mode} not supported, please use FanIn or FanOut.", nameof(mode)),
        };
    }

    private static void RequireFloat(Tensor tensor, string op)
    {
        if (!tensor.DType.IsFloatingPoint())
            throw new ArgumentException($"Init.{op} needs a floating-point tensor, got {tensor.Describe()}.", nameof(tensor));
    }

    /// <summary>Fills with U(a, b).</summary>
    public static Tensor Uniform_(Tensor tensor, double a = 0, double b = 1, Generator? generator = null)
    {
        RequireFloat(tensor, "Uniform_");
        if (!(a <= b)) throw new ArgumentException($"Init.Uniform_: expects a <= b, got a = {a}, b = {b}.");
        return tensor.Uniform_(a, b, generator);
    }

    /// <summary>Fills with N(mean, std²).</summary>
    public static Tensor Normal_(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null)
    {
        RequireFloat(tensor, "Normal_");
        if (!(std >= 0)) throw new ArgumentException($"Init.Normal_: std must be non-negative, got {std}.", nameof(std));
        return tensor.Normal_(mean, std, generator);
    }

    /// <summary>Fills with a constant value.</summary>
    public static Tensor Constant_(Tensor tensor, double value)
    {
        Errors.Check(NativeMethods.mdl_init_fill_(tensor.Handle, value), "Init.Constant_", tensor);
        return tensor;
    }

    public static Tensor Zeros_(Tensor tensor) => Constant_(tensor, 0);

    public static Tensor Ones_(Tensor tensor) => Constant_(tensor, 1);

    /// <summary>Glorot uniform: U(−a, a) with a = gain·√(6/(fan_in + fan_out)).</summary>
    public static Tensor XavierUniform_(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        RequireFloat(tensor, "XavierUniform_");
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        var std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        var a = Math.Sqrt(3.0) * std;
        return tensor.Uniform_(-a, a, generator);
    }

    /// <summary>Glorot normal: N(0, std²) with std = gain·√(2/(fan_in + fan_out)).</summary>
    public static Tensor XavierNormal_(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        RequireFloat(tensor, "XavierNormal_");
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        var std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        return tensor.Normal_(0, std, generator);
    }

    /// <summary>
    /// He uniform: U(−bound, bound) with bound = gain·√(3/fan), gain = CalculateGain(nonlinearity, a). A tensor with a
    /// zero-sized dimension is left as it is (PyTorch warns and does nothing).
    /// </summary>
    public static Tensor KaimingUniform_(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn,
        string nonlinearity = "leaky_relu", Generator? generator = null)
    {
        RequireFloat(tensor, "KaimingUniform_");
        if (tensor.Shape.Contains(0)) return tensor;
        var std = CalculateGain(nonlinearity, a) / Math.Sqrt(CorrectFan(tensor, mode));
        var bound = Math.Sqrt(3.0) * std;
        return tensor.Uniform_(-bound, bound, generator);
    }

    /// <summary>He normal: N(0, std²) with std = gain/√fan.</summary>
    public static Tensor KaimingNormal_(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn,
        string nonlinearity = "leaky_relu", Generator? generator = null)
    {
        RequireFloat(tensor, "KaimingNormal_");
        if (tensor.Shape.Contains(0)) return tensor;
        var std = CalculateGain(nonlinearity, a) / Math.Sqrt(CorrectFan(tensor, mode));
        return tensor.Normal_(0, std, generator);
    }

    /// <summary>
    /// N(mean, std²) truncated to [a, b], by PyTorch's inverse-CDF method: uniform on [2Φ(α)−1, 2Φ(β)−1], erfinv,
    /// scale by std·√2, shift by mean, clamp to [a, b].
    /// </summary>
    public static Tensor TruncNormal_(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2,
        Generator? generator = null)
    {
        RequireFloat(tensor, "TruncNormal_");
        if (!(std > 0)) throw new ArgumentException($"Init.TruncNormal_: std must be positive, got {std}.", nameof(std));
        if (!(a < b)) throw new ArgumentException($"Init.TruncNormal_: needs a < b, got a = {a}, b = {b}.");
        var lower = NormCdf((a - mean) / std);
        var upper = NormCdf((b - mean) / std);
        tensor.Uniform_(2 * lower - 1, 2 * upper - 1, generator);
        Errors.Check(NativeMethods.mdl_init_erfinv_(tensor.Handle), "Init.TruncNormal_", tensor);
        Errors.Check(NativeMethods.mdl_init_affine_(tensor.Handle, std * Math.Sqrt(2.0), mean), "Init.TruncNormal_", tensor);
        Errors.Check(NativeMethods.mdl_init_clamp_(tensor.Handle, a, b), "Init.TruncNormal_", tensor);
        return tensor;
    }

    private static double NormCdf(double x) => (1.0 + Erf(x / Math.Sqrt(2.0))) / 2.0;

    /// <summary>
    /// The error function to double precision (as Python's math.erf): a Taylor series near zero and a continued
    /// fraction for erfc further out.
    /// </summary>
    internal static double Erf(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        var ax = Math.Abs(x);
        double result;
        if (ax < 1.5)
        {
            // erf(x) = 2/√π · Σ (−1)ⁿ x^(2n+1) / (n! (2n+1))
            double sum = 0, term = ax;
            for (var n = 0; n < 60; n++)
            {
                var add = term / (2 * n + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17 * Math.Abs(sum)) break;
                term *= -ax * ax / (n + 1);
            }
            result = 2.0 / Math.Sqrt(Math.PI) * sum;
        }
        else if (ax >= 30)
        {
            result = 1.0;
        }
        else
        {
            // erfc(x) = exp(−x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))) evaluated bottom-up.
            double frac = 0;
            for (var k = 200; k >= 1; k--) frac = k / 2.0 / (ax + frac);
            var erfc = Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / (ax + frac);
            result = 1.0 - erfc;
        }
        return x < 0 ? -result : result;
    }
}
