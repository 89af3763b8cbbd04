using Medley.Torch.Native;

namespace Medley.Torch;

/// <summary>Activation functions as tensor methods (PyTorch defaults).</summary>
public partial class Tensor
{
    public Tensor Relu() => Errors.Wrap(NativeMethods.mdl_relu(Handle), "Relu", this);

    /// <summary>In-place ReLU.</summary>
    public Tensor Relu_()
    {
        Errors.Check(NativeMethods.mdl_relu_(Handle), "Relu_", this);
        return this;
    }

    public Tensor LeakyRelu(double negativeSlope = 0.01) => Errors.Wrap(NativeMethods.mdl_leaky_relu(Handle, negativeSlope), "LeakyRelu", this);

    /// <summary>GELU; approximate is "none" (exact, erf) or "tanh".</summary>
    public Tensor Gelu(string approximate = "none")
    {
        var tanh = approximate switch
        {
            "none" => 0,
            "tanh" => 1,
            _ => throw new ArgumentException($"Gelu: approximate must be \"none\" or \"tanh\", got \"{approximate}\".", nameof(approximate)),
        };
        return Errors.Wrap(NativeMethods.mdl_gelu(Handle, tanh), "Gelu", this);
    }

    public Tensor Sigmoid() => Errors.Wrap(NativeMethods.mdl_sigmoid(Handle), "Sigmoid", this);
    public Tensor Tanh() => Errors.Wrap(NativeMethods.mdl_tanh(Handle), "Tanh", this);
    /// <summary>x * sigmoid(x) (swish).</summary>
    public Tensor Silu() => Errors.Wrap(NativeMethods.mdl_silu(Handle), "Silu", this);
    /// <summary>log(1 + exp(beta x)) / beta, linear above threshold.</summary>
    public Tensor Softplus(double beta = 1, double threshold = 20) => Errors.Wrap(NativeMethods.mdl_softplus(Handle, beta, threshold), "Softplus", this);
    public Tensor Elu(double alpha = 1) => Errors.Wrap(NativeMethods.mdl_elu(Handle, alpha), "Elu", this);
    public Tensor Hardswish() => Errors.Wrap(NativeMethods.mdl_hardswish(Handle), "Hardswish", this);
    public Tensor Softmax(long dim) => Errors.Wrap(NativeMethods.mdl_softmax(Handle, dim), "Softmax", this);
    public Tensor LogSoftmax(long dim) => Errors.Wrap(NativeMethods.mdl_log_softmax(Handle, dim), "LogSoftmax", this);
}
