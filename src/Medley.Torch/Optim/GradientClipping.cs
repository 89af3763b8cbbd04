using System.Globalization;

namespace Medley.Torch.Optim;

/// <summary>Gradient clipping as torch.nn.utils.clip_grad_norm_ / clip_grad_value_ (gradients change in place).</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients together so their joint <paramref name="normType"/>-norm is at most
    /// <paramref name="maxNorm"/> (coefficient maxNorm / (norm + 1e-6), capped at 1). Returns the total norm before
    /// clipping as a 0-d tensor (it joins the current scope). Parameters without a gradient are ignored.
    /// Use double.PositiveInfinity for the max-abs norm.
    /// </summary>
    public static Tensor ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2.0, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (double.IsNaN(maxNorm) || maxNorm < 0)
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "max_norm must be a non-negative number");
        if (double.IsNaN(normType) || normType <= 0)
            throw new ArgumentOutOfRangeException(nameof(normType), normType, "norm_type must be positive (or double.PositiveInfinity)");

        var grads = new List<Tensor>();
        var temps = new List<Tensor>();
        try
        {
            foreach (var p in parameters)
            {
                var g = p.Grad;
                if (g != null) grads.Add(g);
            }
            if (grads.Count == 0) return Tensor.Scalar(0f);

            using var noGrad = Engine.NoGrad();
            var norms = new List<Tensor>(grads.Count);
            foreach (var g in grads)
            {
                var n = g.Norm(normType);
                norms.Add(n);
                temps.Add(n);
            }
            Tensor total;
            if (double.IsPositiveInfinity(normType))
            {
                // max of the per-gradient maxima (norm ∞ of non-negative values is their max, exactly).
                if (norms.Count == 1) total = norms[0].Clone();
                else
                {
                    using var stacked = Tensor.Stack(norms);
                    total = stacked.Norm(normType);
                }
            }
            else
            {
                using var stacked = Tensor.Stack(norms);
                total = stacked.Norm(normType);
            }

            if (errorIfNonfinite && !double.IsFinite(total.Item()))
            {
                total.Dispose();
                throw new InvalidOperationException(
                    $"The total norm of order {normType.ToString(CultureInfo.InvariantCulture)} for gradients from `parameters` is non-finite, " +
                    "so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set errorIfNonfinite to false.");
            }

            // max_norm / (total + 1e-6) is evaluated by torch as reciprocal(total + 1e-6) * max_norm.
            using var shifted = total.Add(1e-6);
            using var coefficient = shifted.Reciprocal();
            coefficient.Mul_(maxNorm);
            coefficient.Clamp_(max: 1.0);
            foreach (var g in grads) g.Mul_(coefficient);
            return total;
        }
        finally
        {
            foreach (var t in temps) t.Dispose();
            foreach (var g in grads) g.Dispose();
        }
    }

    /// <summary>Clamps every gradient element into [−clipValue, clipValue].</summary>
    public static void ClipGradValue(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (double.IsNaN(clipValue) || clipValue < 0)
            throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue, "clip_value must be a non-negative number");
        using var noGrad = Engine.NoGrad();
        foreach (var p in parameters)
        {
            using var g = p.Grad;
            g?.Clamp_(-clipValue, clipValue);
        }
    }
}
