using Medley.Torch.Native;

namespace Medley.Torch;

/// <summary>Process-wide engine settings and state: threads, seeding, grad mode, live-tensor count.</summary>
public static class Engine
{
    public const string ThreadsVariable = "MEDLEY_NUM_THREADS";

    /// <summary>$MEDLEY_NUM_THREADS when set to a positive integer, else the machine's core count.</summary>
    public static int DefaultThreadCount()
    {
        var text = Environment.GetEnvironmentVariable(ThreadsVariable);
        if (string.IsNullOrWhiteSpace(text)) return Environment.ProcessorCount;
        if (int.TryParse(text, out var n) && n > 0) return n;
        // Runs during native start-up, where an exception would surface as an opaque type-initialiser failure.
        Console.Error.WriteLine($"medley: warning: {ThreadsVariable}='{text}' is not a positive integer; using {Environment.ProcessorCount} threads.");
        return Environment.ProcessorCount;
    }

    /// <summary>Intra-op threads libtorch uses (set to the core count at start-up).</summary>
    public static int Threads
    {
        get => NativeMethods.mdl_get_num_threads();
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "thread count must be at least 1");
            NativeMethods.mdl_set_num_threads(value);
        }
    }

    /// <summary>Native tensors alive right now (every handle not yet freed).</summary>
    public static long LiveTensors => NativeMethods.mdl_live_tensors();

    /// <summary>Seeds libtorch's global generator (dropout, rand without a generator, initialisers).</summary>
    public static void ManualSeed(ulong seed) => NativeMethods.mdl_manual_seed(seed);

    public static bool IsGradEnabled => NativeMethods.mdl_is_grad_enabled() != 0;
    public static bool IsInferenceMode => NativeMethods.mdl_is_inference_mode() != 0;

    /// <summary>Disables gradient recording on this thread until disposed.</summary>
    public static IDisposable NoGrad() => new GradModeScope(false);

    /// <summary>Enables gradient recording on this thread until disposed (e.g. inside a NoGrad region).</summary>
    public static IDisposable EnableGrad() => new GradModeScope(true);

    /// <summary>libtorch's inference mode: no autograd bookkeeping at all; tensors made inside can't enter autograd later.</summary>
    public static IDisposable InferenceMode() => new InferenceModeScope();

    private sealed class GradModeScope : IDisposable
    {
        private readonly int _previous;
        private bool _done;
        public GradModeScope(bool enabled) => _previous = NativeMethods.mdl_set_grad_enabled(enabled ? 1 : 0);
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            NativeMethods.mdl_set_grad_enabled(_previous);
        }
    }

    private sealed class InferenceModeScope : IDisposable
    {
        private IntPtr _guard;
        public InferenceModeScope()
        {
            _guard = NativeMethods.mdl_inference_mode_enter();
            if (_guard == IntPtr.Zero) throw Errors.Take("InferenceMode");
        }
        public void Dispose()
        {
            var g = Interlocked.Exchange(ref _guard, IntPtr.Zero);
            if (g != IntPtr.Zero) NativeMethods.mdl_inference_mode_exit(g);
        }
    }
}

/// <summary>A seeded random generator independent of the global one (reproducible data order, augmentation).</summary>
public sealed class Generator : IDisposable
{
    private IntPtr _handle;

    public Generator(ulong seed)
    {
        _handle = NativeMethods.mdl_generator_new(seed);
        if (_handle == IntPtr.Zero) throw Errors.Take("Generator");
    }

    internal IntPtr Handle => _handle != IntPtr.Zero ? _handle : throw new ObjectDisposedException(nameof(Generator));

    public void ManualSeed(ulong seed) => NativeMethods.mdl_generator_set_seed(Handle, seed);

    public void Dispose()
    {
        var h = Interlocked.Exchange(ref _handle, IntPtr.Zero);
        if (h != IntPtr.Zero) NativeMethods.mdl_generator_free(h);
        GC.SuppressFinalize(this);
    }

    ~Generator()
    {
        var h = Interlocked.Exchange(ref _handle, IntPtr.Zero);
        if (h != IntPtr.Zero) NativeMethods.mdl_generator_free(h);
    }
}
