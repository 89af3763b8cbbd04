using Medley.Torch.Native;

namespace Medley.Torch;

/// <summary>Tensor factories: from .NET arrays, constant fills, ranges and (optionally seeded) random values.</summary>
public partial class Tensor
{
    private static string Args(long[] shape, DType dtype) => $"shape {ShapeText(shape)}, dtype {dtype.Name()}";

    private static void ValidateShape(long[] shape, string op)
    {
        foreach (var s in shape)
            if (s < 0) throw new ArgumentException($"{op}: shape {ShapeText(shape)} has a negative size.");
    }

    /// <summary>Copies a .NET array into a new tensor of the given shape (default: 1-d).</summary>
    public static unsafe Tensor From<T>(T[] data, long[]? shape = null, Device? device = null, bool requiresGrad = false)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        shape ??= new long[] { data.Length };
        ValidateShape(shape, "Tensor.From");
        long count = 1;
        foreach (var s in shape) count *= s;
        if (count != data.Length)
            throw new ArgumentException($"Tensor.From: shape {ShapeText(shape)} holds {count} values but the array has {data.Length}.");
        var dtype = DTypeExtensions.Of<T>();
        if (requiresGrad && !dtype.IsFloatingPoint())
            throw new ArgumentException($"Tensor.From: only floating-point tensors can require gradients, not {dtype.Name()}.");
        var dev = ArgumentChecks.Options(dtype, device);
        fixed (T* p = data)
        fixed (long* s = shape)
            return Errors.WrapFactory(NativeMethods.mdl_from_blob(p, s, shape.Length, (int)dtype, (int)dev.Type, dev.Index, requiresGrad ? 1 : 0),
                "Tensor.From", Args(shape, dtype));
    }

    /// <summary>Copies a 2-d .NET array (row-major).</summary>
    public static Tensor From<T>(T[,] data, Device? device = null, bool requiresGrad = false) where T : unmanaged
    {
        var rows = data.GetLength(0);
        var cols = data.GetLength(1);
        var flat = new T[rows * cols];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < cols; j++) flat[i * cols + j] = data[i, j];
        return From(flat, new long[] { rows, cols }, device, requiresGrad);
    }

    /// <summary>A 0-d tensor holding one value.</summary>
    public static Tensor Scalar<T>(T value, Device? device = null, bool requiresGrad = false) where T : unmanaged =>
        From(new[] { value }, Array.Empty<long>(), device, requiresGrad);

    private static unsafe Tensor Create(string op, long[] shape, DType dtype, Device? device, bool requiresGrad,
        Func<IntPtr, int, int, int, int, int, IntPtr> call)
    {
        ValidateShape(shape, op);
        var dev = ArgumentChecks.Options(dtype, device);
        Tensor result;
        fixed (long* s = shape)
            result = Errors.WrapFactory(call((IntPtr)s, shape.Length, (int)dtype, (int)dev.Type, dev.Index, requiresGrad ? 1 : 0), op, Args(shape, dtype));
        // ATen factories ignore TensorOptions.requires_grad (only torch:: factories honour it): set it here.
        if (requiresGrad) result.RequiresGrad = true;
        return result;
    }

    public static Tensor Empty(params long[] shape) => Empty(shape, DType.Float32);
    public static unsafe Tensor Empty(long[] shape, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false) =>
        Create("Empty", shape, dtype, device, requiresGrad, (s, n, d, dt, di, rg) => NativeMethods.mdl_empty((long*)s, n, d, dt, di, rg));

    public static Tensor Zeros(params long[] shape) => Zeros(shape, DType.Float32);
    public static unsafe Tensor Zeros(long[] shape, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false) =>
        Create("Zeros", shape, dtype, device, requiresGrad, (s, n, d, dt, di, rg) => NativeMethods.mdl_zeros((long*)s, n, d, dt, di, rg));

    public static Tensor Ones(params long[] shape) => Ones(shape, DType.Float32);
    public static unsafe Tensor Ones(long[] shape, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false) =>
        Create("Ones", shape, dtype, device, requiresGrad, (s, n, d, dt, di, rg) => NativeMethods.mdl_ones((long*)s, n, d, dt, di, rg));

    public static unsafe Tensor Full(long[] shape, double value, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false) =>
        Create("Full", shape, dtype, device, requiresGrad,
            (s, n, d, dt, di, rg) => NativeMethods.mdl_full((long*)s, n, value, dtype.IsFloatingPoint() ? 0 : 1, d, dt, di, rg));

    /// <summary>Values from start (inclusive) to end (exclusive) in steps; int64 unless a dtype is given.</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Int64, Device? device = null)
    {
        if (step == 0) throw new ArgumentException("Arange: step must not be zero.");
        var dev = ArgumentChecks.Options(dtype, device);
        return Errors.WrapFactory(NativeMethods.mdl_arange(start, end, step, (int)dtype, (int)dev.Type, dev.Index, 0),
            "Arange", $"start {start}, end {end}, step {step}");
    }

    public static Tensor Arange(long end, DType dtype = DType.Int64) => Arange(0, end, 1, dtype);

    public static Tensor Linspace(double start, double end, long steps, DType dtype = DType.Float32, Device? device = null)
    {
        if (steps < 0) throw new ArgumentException($"Linspace: steps must be non-negative, got {steps}.");
        var dev = ArgumentChecks.Options(dtype, device);
        return Errors.WrapFactory(NativeMethods.mdl_linspace(start, end, steps, (int)dtype, (int)dev.Type, dev.Index, 0),
            "Linspace", $"start {start}, end {end}, steps {steps}");
    }

    public static Tensor Eye(long n, long? m = null, DType dtype = DType.Float32, Device? device = null)
    {
        var dev = ArgumentChecks.Options(dtype, device);
        return Errors.WrapFactory(NativeMethods.mdl_eye(n, m ?? n, (int)dtype, (int)dev.Type, dev.Index, 0), "Eye", $"n {n}, m {m ?? n}");
    }

    /// <summary>Uniform [0, 1) values; pass a Generator for a reproducible stream independent of the global seed.</summary>
    public static unsafe Tensor Rand(long[] shape, Generator? generator = null, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false)
    {
        var g = generator?.Handle ?? IntPtr.Zero;
        return Create("Rand", shape, dtype, device, requiresGrad, (s, n, d, dt, di, rg) => NativeMethods.mdl_rand((long*)s, n, g, d, dt, di, rg));
    }

    public static Tensor Rand(params long[] shape) => Rand(shape, null);

    /// <summary>Standard normal values.</summary>
    public static unsafe Tensor Randn(long[] shape, Generator? generator = null, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false)
    {
        var g = generator?.Handle ?? IntPtr.Zero;
        return Create("Randn", shape, dtype, device, requiresGrad, (s, n, d, dt, di, rg) => NativeMethods.mdl_randn((long*)s, n, g, d, dt, di, rg));
    }

    public static Tensor Randn(params long[] shape) => Randn(shape, null);

    /// <summary>Integers in [low, high).</summary>
    public static unsafe Tensor Randint(long low, long high, long[] shape, Generator? generator = null, DType dtype = DType.Int64, Device? device = null)
    {
        if (high <= low) throw new ArgumentException($"Randint: high ({high}) must be greater than low ({low}).");
        var g = generator?.Handle ?? IntPtr.Zero;
        return Create("Randint", shape, dtype, device, false, (s, n, d, dt, di, rg) => NativeMethods.mdl_randint(low, high, (long*)s, n, g, d, dt, di, rg));
    }

    /// <summary>A random permutation of 0..n-1.</summary>
    public static Tensor Randperm(long n, Generator? generator = null, Device? device = null)
    {
        var dev = ArgumentChecks.Options(DType.Int64, device);
        return Errors.WrapFactory(NativeMethods.mdl_randperm(n, generator?.Handle ?? IntPtr.Zero, (int)DType.Int64, (int)dev.Type, dev.Index, 0), "Randperm", $"n {n}");
    }

    public static Tensor ZerosLike(Tensor t) => Errors.Wrap(NativeMethods.mdl_zeros_like(t.Handle), "ZerosLike", t);
    public static Tensor OnesLike(Tensor t) => Errors.Wrap(NativeMethods.mdl_ones_like(t.Handle), "OnesLike", t);
    public static Tensor EmptyLike(Tensor t) => Errors.Wrap(NativeMethods.mdl_empty_like(t.Handle), "EmptyLike", t);
    public static Tensor FullLike(Tensor t, double value) =>
        Errors.Wrap(NativeMethods.mdl_full_like(t.Handle, value, t.DType.IsFloatingPoint() ? 0 : 1), "FullLike", t);
    public static Tensor RandLike(Tensor t) => Errors.Wrap(NativeMethods.mdl_rand_like(t.Handle), "RandLike", t);
    public static Tensor RandnLike(Tensor t) => Errors.Wrap(NativeMethods.mdl_randn_like(t.Handle), "RandnLike", t);

    // In-place random fills (used by initialisers); they do not record gradients.
    public Tensor Uniform_(double from, double to, Generator? generator = null)
    {
        Errors.Check(NativeMethods.mdl_uniform_(Handle, from, to, generator?.Handle ?? IntPtr.Zero), "Uniform_", this);
        return this;
    }

    public Tensor Normal_(double mean = 0, double std = 1, Generator? generator = null)
    {
        Errors.Check(NativeMethods.mdl_normal_(Handle, mean, std, generator?.Handle ?? IntPtr.Zero), "Normal_", this);
        return this;
    }

    public Tensor Bernoulli_(double p, Generator? generator = null)
    {
        Errors.Check(NativeMethods.mdl_bernoulli_(Handle, p, generator?.Handle ?? IntPtr.Zero), "Bernoulli_", this);
        return this;
    }
}
