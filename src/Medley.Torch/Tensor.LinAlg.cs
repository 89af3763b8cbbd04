using Medley.Torch.Native;

namespace Medley.Torch;

/// <summary>Matrix products beyond Matmul: Mm, Bmm, Baddbmm, Outer, Dot and Einsum.</summary>
public partial class Tensor
{
    /// <summary>Product of two 2-d matrices (no broadcasting).</summary>
    public Tensor Mm(Tensor other)
    {
        var result = Errors.Wrap(NativeMethods.mdl_mm(Handle, other.Handle), "Mm", this, other);
        Profiling.FlopCounter.Current?.AddProduct("Mm", this, result);
        return result;
    }

    /// <summary>Batched product of [b, n, m] and [b, m, p] tensors.</summary>
    public Tensor Bmm(Tensor other)
    {
        var result = Errors.Wrap(NativeMethods.mdl_bmm(Handle, other.Handle), "Bmm", this, other);
        Profiling.FlopCounter.Current?.AddProduct("Bmm", this, result);
        return result;
    }

    /// <summary>beta * this + alpha * (batch1 @ batch2).</summary>
    public Tensor Baddbmm(Tensor batch1, Tensor batch2, double beta = 1, double alpha = 1)
    {
        var result = Wrap3(NativeMethods.mdl_baddbmm(Handle, batch1.Handle, batch2.Handle, beta, alpha), "Baddbmm", this, batch1, batch2);
        Profiling.FlopCounter.Current?.AddProduct("Baddbmm", batch1, result);
        return result;
    }

    /// <summary>Outer product of two 1-d tensors.</summary>
    public Tensor Outer(Tensor other) => Errors.Wrap(NativeMethods.mdl_outer(Handle, other.Handle), "Outer", this, other);

    /// <summary>Inner product of two 1-d tensors (0-d result).</summary>
    public Tensor Dot(Tensor other) => Errors.Wrap(NativeMethods.mdl_dot(Handle, other.Handle), "Dot", this, other);

    /// <summary>Einstein summation, e.g. Einsum("bij,bjk->bik", a, b).</summary>
    public static unsafe Tensor Einsum(string equation, params Tensor[] operands)
    {
        if (string.IsNullOrWhiteSpace(equation)) throw new ArgumentException("Einsum: the equation is empty.", nameof(equation));
        if (operands == null || operands.Length == 0) throw new ArgumentException($"Einsum: \"{equation}\" needs at least one operand.", nameof(operands));
        var n = operands.Length;
        Span<IntPtr> handles = n <= 16 ? stackalloc IntPtr[n] : new IntPtr[n];
        for (var i = 0; i < n; i++) handles[i] = operands[i].Handle;
        IntPtr h;
        fixed (IntPtr* p = handles) h = NativeMethods.mdl_einsum(equation, p, n);
        if (h == IntPtr.Zero) throw Errors.Take($"Einsum(\"{equation}\")", operands);
        return new Tensor(h);
    }
}
