using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Methods.OmniFuse;

/// <summary>
/// One residual autoencoder φ_k of a CRA: x [B, D] → latent s_k = ReLU(W_e x) [B, latent] → Δz_k = W_d s_k [B, D].
/// (The paper does not give the layers; one linear layer each way keeps K = 5 of them affordable.)
/// </summary>
public sealed class ResidualAutoencoder : Module
{
    private readonly Linear encoder;
    private readonly Linear decoder;

    public ResidualAutoencoder(int width, int latent)
    {
        encoder = new Linear(width, latent);
        decoder = new Linear(latent, width);
    }

    public (Tensor Latent, Tensor Delta) Forward(Tensor x)
    {
        var s = encoder.Forward(x).Relu();
        return (s, decoder.Forward(s));
    }
}

/// <summary>What a CRA pass gives: the output v + ΣΔz_k, each Δz_k and each latent code s_k.</summary>
public sealed record CraResult(Tensor Output, IReadOnlyList<Tensor> Deltas, IReadOnlyList<Tensor> Latents);

/// <summary>
/// Cascade residual autoencoder (METHODS.md §2.2): Δz_1 = φ_1(v), Δz_k = φ_k(v + Σ_{j&lt;k} Δz_j), output v + Σ_k Δz_k.
/// </summary>
public sealed class CascadeResidualAutoencoder : Module
{
    private readonly ModuleList<ResidualAutoencoder> stages;

    public CascadeResidualAutoencoder(int width, int latent, int count)
    {
        if (width < 1 || latent < 1 || count < 1)
            throw new ArgumentException($"CascadeResidualAutoencoder: width ({width}), latent width ({latent}) and autoencoder count ({count}) must be positive.");
        stages = new ModuleList<ResidualAutoencoder>(Enumerable.Range(0, count).Select(_ => new ResidualAutoencoder(width, latent)));
    }

    public int Count => stages.Count;

    public CraResult Forward(Tensor v)
    {
        var deltas = new List<Tensor>(stages.Count);
        var latents = new List<Tensor>(stages.Count);
        var current = v;
        foreach (var stage in stages)
        {
            var (s, dz) = stage.Forward(current);
            latents.Add(s);
            deltas.Add(dz);
            current = current + dz;
        }
        return new CraResult(current, deltas, latents);
    }
}
