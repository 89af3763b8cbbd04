using System.Runtime.CompilerServices;
using Medley.Torch.Native;

namespace Medley.Torch;

/// <summary>Indexing: selects, masks, gather/scatter, advanced indexing and where.</summary>
public partial class Tensor
{
    /// <summary>t[index]: the slice at <paramref name="index"/> along dim 0 (negative counts from the end).
    /// Setting copies the value (broadcast) into that slice.</summary>
    // Named "At": the default name "Item" would collide with the Item() value accessors.
    [IndexerName("At")]
    public Tensor this[long index]
    {
        get => Errors.Wrap(NativeMethods.mdl_select(Handle, 0, index), "Indexer", this);
        set
        {
            using var slice = this[index];
            slice.CopyFrom(value);
        }
    }

    /// <summary>t[i, j, ...]: basic integer indexing over the leading dimensions (a view).</summary>
    [IndexerName("At")]
    public Tensor this[long i, long j]
    {
        get => Index(i, j);
    }

    /// <summary>t[index]: advanced indexing with an int64 index tensor or a bool mask (a copy).
    /// Setting writes the value (broadcast) into the selected positions, as t[mask] = value.</summary>
    [IndexerName("At")]
    public Tensor this[Tensor index]
    {
        get => Index(index);
        set => IndexPut_(index, value);
    }

    /// <summary>Basic integer indexing t[i0, i1, ...] (negative indices allowed); returns a view.</summary>
    public unsafe Tensor Index(params ReadOnlySpan<long> indices)
    {
        fixed (long* p = indices) return Errors.Wrap(NativeMethods.mdl_index_ints(Handle, p, indices.Length), "Index", this);
    }

    /// <summary>Advanced indexing t[i0, i1, ...] with int64 or bool index tensors; null stands for ':'.</summary>
    public unsafe Tensor Index(params Tensor?[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var n = indices.Length;
        Span<IntPtr> handles = n <= 16 ? stackalloc IntPtr[n] : new IntPtr[n];
        for (var i = 0; i < n; i++) handles[i] = indices[i]?.Handle ?? IntPtr.Zero;
        IntPtr h;
        fixed (IntPtr* p = handles) h = NativeMethods.mdl_index(Handle, p, n);
        if (h == IntPtr.Zero) throw Errors.Take("Index", Prepend(this, indices));
        return new Tensor(h);
    }

    /// <summary>t[indices] = values in place (accumulate adds instead, as index_put_).</summary>
    public unsafe Tensor IndexPut_(Tensor?[] indices, Tensor values, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var n = indices.Length;
        Span<IntPtr> handles = n <= 16 ? stackalloc IntPtr[n] : new IntPtr[n];
        for (var i = 0; i < n; i++) handles[i] = indices[i]?.Handle ?? IntPtr.Zero;
        int status;
        fixed (IntPtr* p = handles) status = NativeMethods.mdl_index_put_(Handle, p, n, values.Handle, accumulate ? 1 : 0);
        if (status != 0) throw Errors.Take("IndexPut_", Prepend(this, indices, values));
        return this;
    }

    /// <summary>t[index] = values in place for one index tensor or bool mask.</summary>
    public unsafe Tensor IndexPut_(Tensor index, Tensor values, bool accumulate = false)
    {
        var h = index.Handle;
        if (NativeMethods.mdl_index_put_(Handle, &h, 1, values.Handle, accumulate ? 1 : 0) != 0)
            throw Errors.Take("IndexPut_", this, index, values);
        return this;
    }

    /// <summary>t[index] = value in place for one index tensor or bool mask.</summary>
    public Tensor IndexPut_(Tensor index, double value)
    {
        using var v = Tensor.Full(Array.Empty<long>(), value, DType, Device);
        return IndexPut_(index, v);
    }

    private static Tensor?[] Prepend(Tensor first, Tensor?[] rest, Tensor? last = null)
    {
        var all = new Tensor?[rest.Length + (last == null ? 1 : 2)];
        all[0] = first;
        rest.CopyTo(all, 1);
        if (last != null) all[^1] = last;
        return all;
    }

    private void RequireBoolMask(Tensor mask, string op)
    {
        if (mask.DType != DType.Bool)
            throw new ArgumentException($"{op}: the mask must be a bool tensor, got {mask.Describe()} (input {Describe()}); convert with .Bool() or a comparison.", nameof(mask));
    }

    /// <summary>Values along dim at the given int64 indices.</summary>
    public Tensor IndexSelect(long dim, Tensor index) =>
        Errors.Wrap(NativeMethods.mdl_index_select(Handle, dim, index.Handle), "IndexSelect", this, index);

    /// <summary>The elements where the (broadcast) bool mask is true, as a 1-d tensor.</summary>
    public Tensor MaskedSelect(Tensor mask)
    {
        RequireBoolMask(mask, "MaskedSelect");
        return Errors.Wrap(NativeMethods.mdl_masked_select(Handle, mask.Handle), "MaskedSelect", this, mask);
    }

    /// <summary>A copy with <paramref name="value"/> wherever the (broadcast) bool mask is true.</summary>
    public Tensor MaskedFill(Tensor mask, double value)
    {
        RequireBoolMask(mask, "MaskedFill");
        return Errors.Wrap(NativeMethods.mdl_masked_fill(Handle, mask.Handle, value, 0), "MaskedFill", this, mask);
    }

    public Tensor MaskedFill(Tensor mask, long value)
    {
        RequireBoolMask(mask, "MaskedFill");
        return Errors.Wrap(NativeMethods.mdl_masked_fill(Handle, mask.Handle, value, 1), "MaskedFill", this, mask);
    }

    /// <summary>In place: <paramref name="value"/> wherever the (broadcast) bool mask is true.</summary>
    public Tensor MaskedFill_(Tensor mask, double value)
    {
        RequireBoolMask(mask, "MaskedFill_");
        Errors.Check(NativeMethods.mdl_masked_fill_(Handle, mask.Handle, value, 0), "MaskedFill_", this, mask);
        return this;
    }

    public Tensor MaskedFill_(Tensor mask, long value)
    {
        RequireBoolMask(mask, "MaskedFill_");
        Errors.Check(NativeMethods.mdl_masked_fill_(Handle, mask.Handle, value, 1), "MaskedFill_", this, mask);
        return this;
    }

    /// <summary>out[i][j] = this[index[i][j]][j] for dim 0 (and so on), as torch.gather.</summary>
    public Tensor Gather(long dim, Tensor index) =>
        Errors.Wrap(NativeMethods.mdl_gather(Handle, dim, index.Handle), "Gather", this, index);

    /// <summary>A copy with src's values written at the index positions along dim, as torch.scatter.</summary>
    public Tensor Scatter(long dim, Tensor index, Tensor src) =>
        Wrap3(NativeMethods.mdl_scatter(Handle, dim, index.Handle, src.Handle), "Scatter", this, index, src);

    public Tensor Scatter(long dim, Tensor index, double value) =>
        Errors.Wrap(NativeMethods.mdl_scatter_value(Handle, dim, index.Handle, value, 0), "Scatter", this, index);

    public Tensor Scatter(long dim, Tensor index, long value) =>
        Errors.Wrap(NativeMethods.mdl_scatter_value(Handle, dim, index.Handle, value, 1), "Scatter", this, index);

    /// <summary>A copy with src's values added at the index positions along dim.</summary>
    public Tensor ScatterAdd(long dim, Tensor index, Tensor src) =>
        Wrap3(NativeMethods.mdl_scatter_add(Handle, dim, index.Handle, src.Handle), "ScatterAdd", this, index, src);

    /// <summary>Indices of the non-zero elements, one row per element ([count, dims], int64).</summary>
    public Tensor Nonzero() => Errors.Wrap(NativeMethods.mdl_nonzero(Handle), "Nonzero", this);

    /// <summary>Element-wise a where condition is true, else b (broadcasting).</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        condition.RequireBoolMask(condition, "Where");
        return Wrap3(NativeMethods.mdl_where(condition.Handle, a.Handle, b.Handle), "Where", condition, a, b);
    }

    public static Tensor Where(Tensor condition, Tensor a, double b)
    {
        condition.RequireBoolMask(condition, "Where");
        return Errors.Wrap(NativeMethods.mdl_where_scalar(condition.Handle, a.Handle, b, 0), "Where", condition, a);
    }

    public static Tensor Where(Tensor condition, Tensor a, long b)
    {
        condition.RequireBoolMask(condition, "Where");
        return Errors.Wrap(NativeMethods.mdl_where_scalar(condition.Handle, a.Handle, b, 1), "Where", condition, a);
    }
}
