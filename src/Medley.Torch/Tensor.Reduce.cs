using Medley.Torch.Native;

namespace Medley.Torch;

/// <summary>Reductions (over one dim or a dim list, with keepDim), scans, top-k, sorting and unique.</summary>
public partial class Tensor
{
    private Tensor Pair(int status, IntPtr first, IntPtr second, string op, out Tensor secondTensor)
    {
        if (status != 0) throw Errors.Take(op, this);
        secondTensor = new Tensor(second);
        return new Tensor(first);
    }

    public unsafe Tensor Sum(ReadOnlySpan<long> dims, bool keepDim = false)
    {
        fixed (long* p = dims) return Errors.Wrap(NativeMethods.mdl_sum_dims(Handle, p, dims.Length, keepDim ? 1 : 0), "Sum", this);
    }

    public unsafe Tensor Sum(long dim, bool keepDim = false) =>
        Errors.Wrap(NativeMethods.mdl_sum_dims(Handle, &dim, 1, keepDim ? 1 : 0), "Sum", this);

    public unsafe Tensor Mean(ReadOnlySpan<long> dims, bool keepDim = false)
    {
        fixed (long* p = dims) return Errors.Wrap(NativeMethods.mdl_mean_dims(Handle, p, dims.Length, keepDim ? 1 : 0), "Mean", this);
    }

    public unsafe Tensor Mean(long dim, bool keepDim = false) =>
        Errors.Wrap(NativeMethods.mdl_mean_dims(Handle, &dim, 1, keepDim ? 1 : 0), "Mean", this);

    /// <summary>Variance of all elements; unbiased divides by N − 1 (PyTorch's default).</summary>
    public unsafe Tensor Var(bool unbiased = true) => Errors.Wrap(NativeMethods.mdl_var(Handle, null, 0, unbiased ? 1 : 0, 0), "Var", this);
    public unsafe Tensor Var(long dim, bool unbiased = true, bool keepDim = false) =>
        Errors.Wrap(NativeMethods.mdl_var(Handle, &dim, 1, unbiased ? 1 : 0, keepDim ? 1 : 0), "Var", this);
    public Tensor Var(ReadOnlySpan<long> dims, bool unbiased = true, bool keepDim = false) => Var(dims, unbiased ? 1L : 0L, keepDim);

    /// <summary>Variance dividing by N − correction.</summary>
    public unsafe Tensor Var(ReadOnlySpan<long> dims, long correction, bool keepDim = false)
    {
        fixed (long* p = dims) return Errors.Wrap(NativeMethods.mdl_var(Handle, p, dims.Length, correction, keepDim ? 1 : 0), "Var", this);
    }

    /// <summary>Standard deviation of all elements; unbiased divides by N − 1 (PyTorch's default).</summary>
    public unsafe Tensor Std(bool unbiased = true) => Errors.Wrap(NativeMethods.mdl_std(Handle, null, 0, unbiased ? 1 : 0, 0), "Std", this);
    public unsafe Tensor Std(long dim, bool unbiased = true, bool keepDim = false) =>
        Errors.Wrap(NativeMethods.mdl_std(Handle, &dim, 1, unbiased ? 1 : 0, keepDim ? 1 : 0), "Std", this);
    public Tensor Std(ReadOnlySpan<long> dims, bool unbiased = true, bool keepDim = false) => Std(dims, unbiased ? 1L : 0L, keepDim);

    /// <summary>Standard deviation dividing by N − correction.</summary>
    public unsafe Tensor Std(ReadOnlySpan<long> dims, long correction, bool keepDim = false)
    {
        fixed (long* p = dims) return Errors.Wrap(NativeMethods.mdl_std(Handle, p, dims.Length, correction, keepDim ? 1 : 0), "Std", this);
    }

    /// <summary>The largest element (0-d).</summary>
    public Tensor Max() => Errors.Wrap(NativeMethods.mdl_max_all(Handle), "Max", this);
    /// <summary>The smallest element (0-d).</summary>
    public Tensor Min() => Errors.Wrap(NativeMethods.mdl_min_all(Handle), "Min", this);

    /// <summary>Largest values along dim and their int64 indices.</summary>
    public unsafe (Tensor Values, Tensor Indices) Max(long dim, bool keepDim = false)
    {
        IntPtr v, i;
        var values = Pair(NativeMethods.mdl_max_dim(Handle, dim, keepDim ? 1 : 0, &v, &i), v, i, "Max", out var indices);
        return (values, indices);
    }

    /// <summary>Smallest values along dim and their int64 indices.</summary>
    public unsafe (Tensor Values, Tensor Indices) Min(long dim, bool keepDim = false)
    {
        IntPtr v, i;
        var values = Pair(NativeMethods.mdl_min_dim(Handle, dim, keepDim ? 1 : 0, &v, &i), v, i, "Min", out var indices);
        return (values, indices);
    }

    /// <summary>Maximum over the given dims (all when empty); gradient spreads evenly over ties.</summary>
    public unsafe Tensor Amax(ReadOnlySpan<long> dims, bool keepDim = false)
    {
        fixed (long* p = dims) return Errors.Wrap(NativeMethods.mdl_amax(Handle, p, dims.Length, keepDim ? 1 : 0), "Amax", this);
    }

    public unsafe Tensor Amax(long dim, bool keepDim = false) => Errors.Wrap(NativeMethods.mdl_amax(Handle, &dim, 1, keepDim ? 1 : 0), "Amax", this);

    public unsafe Tensor Amin(ReadOnlySpan<long> dims, bool keepDim = false)
    {
        fixed (long* p = dims) return Errors.Wrap(NativeMethods.mdl_amin(Handle, p, dims.Length, keepDim ? 1 : 0), "Amin", this);
    }

    public unsafe Tensor Amin(long dim, bool keepDim = false) => Errors.Wrap(NativeMethods.mdl_amin(Handle, &dim, 1, keepDim ? 1 : 0), "Amin", this);

    /// <summary>Index of the largest value along dim, or in the flattened tensor when dim is null.</summary>
    public Tensor Argmax(long? dim = null, bool keepDim = false) =>
        Errors.Wrap(NativeMethods.mdl_argmax(Handle, dim ?? 0, dim.HasValue ? 1 : 0, keepDim ? 1 : 0), "Argmax", this);

    public Tensor Argmin(long? dim = null, bool keepDim = false) =>
        Errors.Wrap(NativeMethods.mdl_argmin(Handle, dim ?? 0, dim.HasValue ? 1 : 0, keepDim ? 1 : 0), "Argmin", this);

    public Tensor Prod() => Errors.Wrap(NativeMethods.mdl_prod_all(Handle), "Prod", this);
    public Tensor Prod(long dim, bool keepDim = false) => Errors.Wrap(NativeMethods.mdl_prod_dim(Handle, dim, keepDim ? 1 : 0), "Prod", this);

    /// <summary>log(sum(exp(x))) over the given dims, computed stably.</summary>
    public unsafe Tensor LogSumExp(ReadOnlySpan<long> dims, bool keepDim = false)
    {
        fixed (long* p = dims) return Errors.Wrap(NativeMethods.mdl_logsumexp(Handle, p, dims.Length, keepDim ? 1 : 0), "LogSumExp", this);
    }

    public unsafe Tensor LogSumExp(long dim, bool keepDim = false) =>
        Errors.Wrap(NativeMethods.mdl_logsumexp(Handle, &dim, 1, keepDim ? 1 : 0), "LogSumExp", this);

    /// <summary>The p-norm of the flattened tensor (p may be double.PositiveInfinity).</summary>
    public unsafe Tensor Norm(double p = 2) => Errors.Wrap(NativeMethods.mdl_norm(Handle, p, null, 0, 0), "Norm", this);

    /// <summary>The p-norm over the given dims.</summary>
    public unsafe Tensor Norm(double p, ReadOnlySpan<long> dims, bool keepDim = false)
    {
        if (dims.IsEmpty) throw new ArgumentException($"Norm: give at least one dim (or call Norm(p) for the whole tensor); input {Describe()}.", nameof(dims));
        fixed (long* d = dims) return Errors.Wrap(NativeMethods.mdl_norm(Handle, p, d, dims.Length, keepDim ? 1 : 0), "Norm", this);
    }

    public unsafe Tensor Norm(double p, long dim, bool keepDim = false) =>
        Errors.Wrap(NativeMethods.mdl_norm(Handle, p, &dim, 1, keepDim ? 1 : 0), "Norm", this);

    /// <summary>True when every element is non-zero (bool 0-d).</summary>
    public Tensor All() => Errors.Wrap(NativeMethods.mdl_all_all(Handle), "All", this);
    public Tensor All(long dim, bool keepDim = false) => Errors.Wrap(NativeMethods.mdl_all_dim(Handle, dim, keepDim ? 1 : 0), "All", this);
    /// <summary>True when any element is non-zero (bool 0-d).</summary>
    public Tensor Any() => Errors.Wrap(NativeMethods.mdl_any_all(Handle), "Any", this);
    public Tensor Any(long dim, bool keepDim = false) => Errors.Wrap(NativeMethods.mdl_any_dim(Handle, dim, keepDim ? 1 : 0), "Any", this);

    public Tensor Cumsum(long dim) => Errors.Wrap(NativeMethods.mdl_cumsum(Handle, dim), "Cumsum", this);
    public Tensor Cumprod(long dim) => Errors.Wrap(NativeMethods.mdl_cumprod(Handle, dim), "Cumprod", this);

    /// <summary>The k largest (or smallest) values along dim and their indices.</summary>
    public unsafe (Tensor Values, Tensor Indices) TopK(long k, long dim = -1, bool largest = true, bool sorted = true)
    {
        if (k < 0) throw new ArgumentException($"TopK: k must be non-negative, got {k} for {Describe()}.", nameof(k));
        IntPtr v, i;
        var values = Pair(NativeMethods.mdl_topk(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, &v, &i), v, i, "TopK", out var indices);
        return (values, indices);
    }

    /// <summary>Sorted values along dim and the permutation that sorts them.</summary>
    public unsafe (Tensor Values, Tensor Indices) Sort(long dim = -1, bool descending = false, bool stable = false)
    {
        IntPtr v, i;
        var values = Pair(NativeMethods.mdl_sort(Handle, dim, descending ? 1 : 0, stable ? 1 : 0, &v, &i), v, i, "Sort", out var indices);
        return (values, indices);
    }

    public Tensor Argsort(long dim = -1, bool descending = false) =>
        Errors.Wrap(NativeMethods.mdl_argsort(Handle, dim, descending ? 1 : 0), "Argsort", this);

    /// <summary>The distinct elements of the flattened tensor (ascending when sorted).</summary>
    public Tensor Unique(bool sorted = true)
    {
        var (values, inverse, counts) = UniqueWithCounts(sorted);
        inverse.Dispose();
        counts.Dispose();
        return values;
    }

    /// <summary>Distinct elements, each input element's position among them (input's shape) and their counts.</summary>
    public unsafe (Tensor Values, Tensor Inverse, Tensor Counts) UniqueWithCounts(bool sorted = true)
    {
        IntPtr v, i, c;
        if (NativeMethods.mdl_unique(Handle, sorted ? 1 : 0, &v, &i, &c) != 0) throw Errors.Take("Unique", this);
        return (new Tensor(v), new Tensor(i), new Tensor(c));
    }

    /// <summary>Number of non-zero elements (int64 0-d).</summary>
    public unsafe Tensor CountNonzero() => Errors.Wrap(NativeMethods.mdl_count_nonzero(Handle, null, 0), "CountNonzero", this);

    public unsafe Tensor CountNonzero(ReadOnlySpan<long> dims)
    {
        fixed (long* p = dims) return Errors.Wrap(NativeMethods.mdl_count_nonzero(Handle, p, dims.Length), "CountNonzero", this);
    }

    public unsafe Tensor CountNonzero(long dim) => Errors.Wrap(NativeMethods.mdl_count_nonzero(Handle, &dim, 1), "CountNonzero", this);

    /// <summary>Occurrences of each value in a 1-d non-negative int64 tensor (optionally weighted).</summary>
    public Tensor Bincount(Tensor? weights = null, long minLength = 0) =>
        Errors.Wrap(NativeMethods.mdl_bincount(Handle, weights?.Handle ?? IntPtr.Zero, minLength), "Bincount", this, weights);
}
