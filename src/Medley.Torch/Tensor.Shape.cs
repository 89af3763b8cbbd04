using Medley.Torch.Native;

namespace Medley.Torch;

/// <summary>Shape and layout ops: views, joins, splits, flips and triangles (PyTorch semantics; negative dims count from the end).</summary>
public partial class Tensor
{
    /// <summary>Reorders the dimensions (a view).</summary>
    public unsafe Tensor Permute(params ReadOnlySpan<long> dims)
    {
        fixed (long* p = dims) return Errors.Wrap(NativeMethods.mdl_permute(Handle, p, dims.Length), "Permute", this);
    }

    /// <summary>Swaps two dimensions (a view).</summary>
    public Tensor Transpose(long dim0, long dim1) => Errors.Wrap(NativeMethods.mdl_transpose(Handle, dim0, dim1), "Transpose", this);

    /// <summary>The transpose of a tensor with at most 2 dimensions (torch.Tensor.t()).</summary>
    public Tensor T => Errors.Wrap(NativeMethods.mdl_t(Handle), "T", this);

    /// <summary>Removes every dimension of size 1.</summary>
    public Tensor Squeeze() => Errors.Wrap(NativeMethods.mdl_squeeze(Handle), "Squeeze", this);

    /// <summary>Removes dimension <paramref name="dim"/> if it has size 1 (otherwise returns a same-shaped view).</summary>
    public Tensor Squeeze(long dim) => Errors.Wrap(NativeMethods.mdl_squeeze_dim(Handle, dim), "Squeeze", this);

    /// <summary>Inserts a dimension of size 1 at <paramref name="dim"/>.</summary>
    public Tensor Unsqueeze(long dim) => Errors.Wrap(NativeMethods.mdl_unsqueeze(Handle, dim), "Unsqueeze", this);

    /// <summary>Broadcasts size-1 dimensions to the given sizes without copying; -1 keeps a size.</summary>
    public unsafe Tensor Expand(params ReadOnlySpan<long> sizes)
    {
        fixed (long* p = sizes) return Errors.Wrap(NativeMethods.mdl_expand(Handle, p, sizes.Length), "Expand", this);
    }

    public Tensor ExpandAs(Tensor other) => Errors.Wrap(NativeMethods.mdl_expand_as(Handle, other.Handle), "ExpandAs", this, other);

    /// <summary>Merges dimensions start..end (inclusive) into one.</summary>
    public Tensor Flatten(long startDim = 0, long endDim = -1) =>
        Errors.Wrap(NativeMethods.mdl_flatten(Handle, startDim, endDim), "Flatten", this);

    /// <summary>Splits dimension <paramref name="dim"/> into the given sizes (one may be -1).</summary>
    public unsafe Tensor Unflatten(long dim, params ReadOnlySpan<long> sizes)
    {
        fixed (long* p = sizes) return Errors.Wrap(NativeMethods.mdl_unflatten(Handle, dim, p, sizes.Length), "Unflatten", this);
    }

    /// <summary>Tiles the tensor (copies) along each dimension, as torch.Tensor.repeat.</summary>
    public unsafe Tensor Repeat(params ReadOnlySpan<long> repeats)
    {
        fixed (long* p = repeats) return Errors.Wrap(NativeMethods.mdl_repeat(Handle, p, repeats.Length), "Repeat", this);
    }

    /// <summary>Concatenates tensors along an existing dimension.</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0) => JoinList(tensors, dim, "Cat", stack: false);

    /// <summary>Stacks equally shaped tensors along a new dimension.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0) => JoinList(tensors, dim, "Stack", stack: true);

    private static unsafe Tensor JoinList(IReadOnlyList<Tensor> tensors, long dim, string op, bool stack)
    {
        if (tensors == null || tensors.Count == 0) throw new ArgumentException($"{op}: needs at least one tensor.", nameof(tensors));
        var n = tensors.Count;
        Span<IntPtr> handles = n <= 32 ? stackalloc IntPtr[n] : new IntPtr[n];
        for (var i = 0; i < n; i++)
            handles[i] = (tensors[i] ?? throw new ArgumentException($"{op}: tensor {i} is null.", nameof(tensors))).Handle;
        IntPtr h;
        fixed (IntPtr* p = handles) h = stack ? NativeMethods.mdl_stack(p, n, dim) : NativeMethods.mdl_cat(p, n, dim);
        if (h == IntPtr.Zero) throw Errors.Take(op, tensors.ToArray());
        return new Tensor(h);
    }

    /// <summary>Splits into pieces of <paramref name="splitSize"/> along dim (the last may be smaller).</summary>
    public unsafe Tensor[] Split(long splitSize, long dim = 0)
    {
        if (splitSize <= 0) throw new ArgumentException($"Split: split size must be positive, got {splitSize} for {Describe()}.", nameof(splitSize));
        var size = Size((int)dim);
        var capacity = Math.Max(1, (size + splitSize - 1) / splitSize);
        var output = new IntPtr[capacity];
        fixed (IntPtr* o = output) return CollectList(NativeMethods.mdl_split(Handle, splitSize, dim, o, capacity), output, "Split");
    }

    /// <summary>Splits into pieces of the given sizes along dim (they must add up to the dimension's size).</summary>
    public unsafe Tensor[] Split(long[] sizes, long dim = 0)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var output = new IntPtr[Math.Max(1, sizes.Length)];
        fixed (long* s = sizes)
        fixed (IntPtr* o = output)
            return CollectList(NativeMethods.mdl_split_sizes(Handle, s, sizes.Length, dim, o, output.Length), output, "Split");
    }

    /// <summary>Splits into at most <paramref name="chunks"/> nearly equal pieces along dim.</summary>
    public unsafe Tensor[] Chunk(long chunks, long dim = 0)
    {
        if (chunks <= 0) throw new ArgumentException($"Chunk: number of chunks must be positive, got {chunks} for {Describe()}.", nameof(chunks));
        var output = new IntPtr[chunks];
        fixed (IntPtr* o = output) return CollectList(NativeMethods.mdl_chunk(Handle, chunks, dim, o, chunks), output, "Chunk");
    }

    /// <summary>Removes a dimension, returning every slice along it.</summary>
    public unsafe Tensor[] Unbind(long dim = 0)
    {
        var size = Size((int)dim);
        var output = new IntPtr[size];
        fixed (IntPtr* o = output) return CollectList(NativeMethods.mdl_unbind(Handle, dim, o, size), output, "Unbind");
    }

    private Tensor[] CollectList(long count, IntPtr[] handles, string op)
    {
        if (count < 0) throw Errors.Take(op, this);
        var result = new Tensor[count];
        for (var i = 0; i < count; i++) result[i] = new Tensor(handles[i]);
        return result;
    }

    /// <summary>The view of <paramref name="length"/> elements from <paramref name="start"/> along dim.</summary>
    public Tensor Narrow(long dim, long start, long length) => Errors.Wrap(NativeMethods.mdl_narrow(Handle, dim, start, length), "Narrow", this);

    /// <summary>The slice at <paramref name="index"/> along dim, removing that dimension (negative index allowed).</summary>
    public Tensor Select(long dim, long index) => Errors.Wrap(NativeMethods.mdl_select(Handle, dim, index), "Select", this);

    /// <summary>Python's t[..., start:end:step, ...] along one dimension (negative bounds count from the end, clamped).</summary>
    public Tensor Slice(long dim, long? start = null, long? end = null, long step = 1)
    {
        if (step <= 0) throw new ArgumentException($"Slice: step must be positive, got {step} for {Describe()}.", nameof(step));
        return Errors.Wrap(NativeMethods.mdl_slice(Handle, dim, start ?? 0, end ?? long.MaxValue, step), "Slice", this);
    }

    /// <summary>Reverses the order along the given dimensions (a copy).</summary>
    public unsafe Tensor Flip(params ReadOnlySpan<long> dims)
    {
        fixed (long* p = dims) return Errors.Wrap(NativeMethods.mdl_flip(Handle, p, dims.Length), "Flip", this);
    }

    /// <summary>Rolls elements along dim (or over the flattened tensor when dim is null), wrapping around.</summary>
    public unsafe Tensor Roll(long shifts, long? dim = null)
    {
        var d = dim ?? 0;
        return Errors.Wrap(NativeMethods.mdl_roll(Handle, &shifts, 1, &d, dim.HasValue ? 1 : 0), "Roll", this);
    }

    /// <summary>Rolls along several dimensions at once (one shift per dimension).</summary>
    public unsafe Tensor Roll(ReadOnlySpan<long> shifts, ReadOnlySpan<long> dims)
    {
        fixed (long* s = shifts)
        fixed (long* d = dims)
            return Errors.Wrap(NativeMethods.mdl_roll(Handle, s, shifts.Length, d, dims.Length), "Roll", this);
    }

    /// <summary>Lower triangle of the last two dimensions (the rest zeroed).</summary>
    public Tensor Tril(long diagonal = 0) => Errors.Wrap(NativeMethods.mdl_tril(Handle, diagonal), "Tril", this);

    /// <summary>Upper triangle of the last two dimensions (the rest zeroed).</summary>
    public Tensor Triu(long diagonal = 0) => Errors.Wrap(NativeMethods.mdl_triu(Handle, diagonal), "Triu", this);

    /// <summary>Copies a 2-d tensor into a rectangular .NET array; T must match the dtype.</summary>
    public T[,] ToArray2D<T>() where T : unmanaged
    {
        var shape = Shape;
        if (shape.Length != 2) throw new InvalidOperationException($"ToArray2D needs a 2-d tensor but this one is {Describe()}.");
        var flat = ToArray<T>();
        var result = new T[shape[0], shape[1]];
        var cols = (int)shape[1];
        for (var i = 0; i < shape[0]; i++)
            for (var j = 0; j < cols; j++) result[i, j] = flat[i * cols + j];
        return result;
    }
}
