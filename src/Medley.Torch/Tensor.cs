using System.Runtime.CompilerServices;
using System.Text;
using Medley.Torch.Native;

namespace Medley.Torch;

/// <summary>
/// A handle to a libtorch tensor. Freed by <see cref="Dispose"/>, by the <see cref="DisposeScope"/> it was created in,
/// or (as a last resort) by the finalizer. Op methods live in the partial files Tensor.*.cs.
/// </summary>
public partial class Tensor : IDisposable
{
    private IntPtr _handle;

    internal DisposeScope? Scope { get; set; }

    /// <summary>Wraps a fresh native handle; throws if the native call failed (null handle).</summary>
    internal Tensor(IntPtr handle, bool registerInScope = true)
    {
        if (handle == IntPtr.Zero) throw new ArgumentNullException(nameof(handle), "null tensor handle");
        _handle = handle;
        if (registerInScope) DisposeScope.Current?.Add(this);
    }

    /// <summary>Takes over another tensor's handle (used by Parameter); the source becomes disposed.</summary>
    protected Tensor(Tensor source)
    {
        _handle = source.StealHandle();
    }

    ~Tensor()
    {
        var h = Interlocked.Exchange(ref _handle, IntPtr.Zero);
        if (h != IntPtr.Zero) NativeMethods.mdl_free(h);
    }

    public bool IsDisposed => _handle == IntPtr.Zero;

    internal IntPtr Handle
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var h = _handle;
            if (h == IntPtr.Zero) ThrowDisposed();
            return h;
        }
    }

    private static void ThrowDisposed() =>
        throw new ObjectDisposedException(nameof(Tensor), "This tensor was already disposed (by Dispose or its DisposeScope).");

    private IntPtr StealHandle()
    {
        var h = Handle;
        _handle = IntPtr.Zero;
        if (Scope != null) Scope = null;
        GC.SuppressFinalize(this);
        return h;
    }

    public virtual void Dispose()
    {
        var h = Interlocked.Exchange(ref _handle, IntPtr.Zero);
        if (h != IntPtr.Zero) NativeMethods.mdl_free(h);
        Scope = null;
        GC.SuppressFinalize(this);
    }

    /// <summary>Removes this tensor from its DisposeScope: the caller now owns it.</summary>
    public Tensor DetachFromScope()
    {
        Scope = null;
        return this;
    }

    /// <summary>Moves this tensor to the scope enclosing its current one.</summary>
    public Tensor MoveToOuterScope() => Scope?.Keep(this) ?? this;

    // ---- metadata ------------------------------------------------------------------------------------------

    public long Dim => NativeMethods.mdl_dim(Handle);
    public long NumEl => NativeMethods.mdl_numel(Handle);
    public DType DType => (DType)NativeMethods.mdl_dtype(Handle);
    public Device Device =>
        new((DeviceType)NativeMethods.mdl_device_type(Handle), NativeMethods.mdl_device_index(Handle));
    public bool IsContiguous => NativeMethods.mdl_is_contiguous(Handle) != 0;

    public unsafe long[] Shape
    {
        get
        {
            var h = Handle;
            var shape = new long[NativeMethods.mdl_dim(h)];
            fixed (long* p = shape) NativeMethods.mdl_shape(h, p);
            return shape;
        }
    }

    public unsafe long[] Strides
    {
        get
        {
            var h = Handle;
            var strides = new long[NativeMethods.mdl_dim(h)];
            fixed (long* p = strides) NativeMethods.mdl_strides(h, p);
            return strides;
        }
    }

    /// <summary>Size of one dimension; negative indices count from the end.</summary>
    public long Size(int dim)
    {
        var shape = Shape;
        var d = dim < 0 ? dim + shape.Length : dim;
        if (d < 0 || d >= shape.Length)
            throw new ArgumentOutOfRangeException(nameof(dim), $"dimension {dim} is out of range for a {shape.Length}-d tensor of shape {ShapeText(shape)}");
        return shape[d];
    }

    internal static string ShapeText(long[] shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>Shape and dtype, e.g. "[2, 3] float32" — used in error messages.</summary>
    public string Describe() => IsDisposed ? "<disposed>" : $"{ShapeText(Shape)} {DType.Name()}";

    // ---- data transfer -------------------------------------------------------------------------------------

    /// <summary>Copies the values into a new row-major .NET array; T must match the dtype.</summary>
    public unsafe T[] ToArray<T>() where T : unmanaged
    {
        var expected = DTypeExtensions.Of<T>();
        if (DType != expected)
            throw new InvalidOperationException($"ToArray<{typeof(T).Name}> needs a {expected.Name()} tensor but this one is {Describe()}; convert with To(DType.{expected}) first.");
        var result = new T[NumEl];
        fixed (T* p = result)
        {
            if (NativeMethods.mdl_copy_to(Handle, p, (long)result.Length * sizeof(T)) != 0)
                throw Errors.Take("ToArray", this);
        }
        return result;
    }

    /// <summary>The single value of a one-element tensor.</summary>
    public double Item()
    {
        var value = NativeMethods.mdl_item_double(Handle);
        Errors.ThrowIfPending("Item", this);
        return value;
    }

    public long ItemLong()
    {
        var value = NativeMethods.mdl_item_long(Handle);
        Errors.ThrowIfPending("ItemLong", this);
        return value;
    }

    public T Item<T>() where T : unmanaged
    {
        var values = ToArray<T>();
        if (values.Length != 1)
            throw new InvalidOperationException($"Item needs a one-element tensor but this one is {Describe()}.");
        return values[0];
    }

    // ---- printing -------------------------------------------------------------------------------------------

    /// <summary>Shape, dtype and values (summarised with "..." past 6 per dimension).</summary>
    public override string ToString()
    {
        if (IsDisposed) return "tensor(<disposed>)";
        var shape = Shape;
        var dtype = DType;
        var sb = new StringBuilder();
        sb.Append("tensor(shape=").Append(ShapeText(shape)).Append(", dtype=").Append(dtype.Name());
        var device = Device;
        if (device.Type != DeviceType.CPU) sb.Append(", device=").Append(device);
        if (RequiresGrad) sb.Append(", requires_grad=true");
        sb.Append(")\n");
        double[] values;
        using (var asDouble = dtype == DType.Float64 ? Detach() : Detach().To(DType.Float64))
            values = asDouble.ToArray<double>();
        var isFloat = dtype.IsFloatingPoint();
        var isBool = dtype == DType.Bool;
        string Format(double v) => isBool ? (v != 0 ? "true" : "false")
            : isFloat ? v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)
            : ((long)v).ToString(System.Globalization.CultureInfo.InvariantCulture);
        AppendValues(sb, values, shape, 0, 0, Format);
        return sb.ToString();
    }

    private static void AppendValues(StringBuilder sb, double[] values, long[] shape, int dim, long offset, Func<double, string> format)
    {
        if (shape.Length == 0)
        {
            sb.Append(format(values[0]));
            return;
        }
        long stride = 1;
        for (var i = dim + 1; i < shape.Length; i++) stride *= shape[i];
        sb.Append('[');
        var n = shape[dim];
        for (long i = 0; i < n; i++)
        {
            if (n > 6 && i == 3)
            {
                sb.Append("..., ");
                i = n - 3;
            }
            if (dim == shape.Length - 1) sb.Append(format(values[offset + i]));
            else AppendValues(sb, values, shape, dim + 1, offset + i * stride, format);
            if (i < n - 1) sb.Append(dim == shape.Length - 1 ? ", " : ",\n" + new string(' ', dim + 1));
        }
        sb.Append(']');
    }
}
