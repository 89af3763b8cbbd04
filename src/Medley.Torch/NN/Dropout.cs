namespace Medley.Torch.NN;

/// <summary>Zeroes elements with probability p while training (scaling the rest by 1/(1-p)); identity in eval mode.</summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    public readonly double P;

    public Dropout(double p = 0.5)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout: p must be within [0, 1], got {p}.");
        P = p;
    }

    public override Tensor Forward(Tensor input) => Functional.Dropout(input, P, Training);
}

/// <summary>Zeroes whole channels of [N, C, H, W] input while training.</summary>
public sealed class Dropout2d : Module<Tensor, Tensor>
{
    public readonly double P;

    public Dropout2d(double p = 0.5)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout2d: p must be within [0, 1], got {p}.");
        P = p;
    }

    public override Tensor Forward(Tensor input) => Functional.Dropout2d(input, P, Training);
}
