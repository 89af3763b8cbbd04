namespace Medley.Torch.NN;

public sealed class ReLU : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => Functional.Relu(input);
}

public sealed class LeakyReLU(double negativeSlope = 0.01) : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => Functional.LeakyRelu(input, negativeSlope);
}

/// <summary>GELU; approximate "none" (erf) or "tanh".</summary>
public sealed class GELU(string approximate = "none") : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => Functional.Gelu(input, approximate);
}

public sealed class Sigmoid : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => Functional.Sigmoid(input);
}

public sealed class Tanh : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => Functional.Tanh(input);
}

public sealed class SiLU : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => Functional.Silu(input);
}

public sealed class Softmax(long dim) : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => Functional.Softmax(input, dim);
}

public sealed class LogSoftmax(long dim) : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => Functional.LogSoftmax(input, dim);
}

/// <summary>Returns its input unchanged (as a new handle to the same tensor).</summary>
public sealed class Identity : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Alias();
}

/// <summary>Flattens dimensions startDim..endDim into one (default: everything but the batch dimension).</summary>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input)
    {
        var shape = input.Shape;
        var n = Math.Max(shape.Length, 1);
        var s = startDim < 0 ? startDim + n : startDim;
        var e = endDim < 0 ? endDim + n : endDim;
        if (s < 0 || s >= n || e < 0 || e >= n || s > e)
            throw new ArgumentException($"Flatten({startDim}, {endDim}) does not fit input {input.Describe()}.", nameof(input));
        if (shape.Length == 0) return input.Reshape(1);
        var merged = shape.Skip(s).Take(e - s + 1).Aggregate(1L, (a, b) => a * b);
        var target = shape.Take(s).Append(merged).Concat(shape.Skip(e + 1)).ToArray();
        return input.Reshape(target);
    }
}
