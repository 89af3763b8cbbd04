using System.Runtime.InteropServices;
using Medley.Torch.Native;
using Medley.Torch.NN;

namespace Medley.Torch.Serialization;

/// <summary>
/// A TorchScript module (a file written by torch.jit.save, from torch.jit.script or torch.jit.trace) loaded onto the
/// CPU and wrapped as a Medley <see cref="Module"/>. Its parameters and buffers are Medley Parameters/Tensors sharing
/// the script module's storage, under PyTorch's dotted names ("fc1.weight"): an optimiser over
/// <see cref="Module.Parameters"/> trains it, <see cref="Module.RequiresGrad_"/>(false) freezes it, and
/// StateDict/LoadStateDict read and write its weights. Train()/Eval() reach the script module at the next forward.
/// </summary>
public sealed class ScriptModule : Module<Tensor, Tensor>
{
    private const int MaxOutputs = 256;
    private IntPtr _module;

    /// <summary>The file this module was loaded from (named in every error).</summary>
    public string Path { get; }

    private ScriptModule(IntPtr module, string path)
    {
        _module = module;
        Path = path;
        try
        {
            AttachMembers(kind: 0);
            AttachMembers(kind: 1);
            // A loaded module keeps the mode it was saved in, as torch.jit.load does.
            Train(NativeMethods.mdl_jit_is_training(module) != 0);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Loads a torch.jit.save file, mapping every tensor to the CPU.</summary>
    /// <exception cref="FileNotFoundException">the file does not exist.</exception>
    /// <exception cref="InvalidDataException">the file is not a loadable TorchScript module.</exception>
    public static ScriptModule Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"TorchScript file not found: {path}", path);
        if (new FileInfo(path).Length == 0)
            throw new InvalidDataException($"{path} is not a TorchScript module: the file is empty.");
        var handle = NativeMethods.mdl_jit_load(path);
        if (handle == IntPtr.Zero)
            throw new InvalidDataException(
                $"{path} could not be loaded as a TorchScript module (a torch.jit.save file is expected): " +
                FirstLines(Errors.TakeNativeMessage() ?? "no message"));
        return new ScriptModule(handle, path);
    }

    private IntPtr NativeModule =>
        _module != IntPtr.Zero ? _module : throw new ObjectDisposedException(nameof(ScriptModule), $"The TorchScript module from {Path} was disposed.");

    // ---- forward --------------------------------------------------------------------------------------------

    /// <summary>Runs forward on one input; the module must return exactly one tensor.</summary>
    public override Tensor Forward(Tensor input) => Forward(new[] { input });

    /// <summary>Runs forward on several inputs; the module must return exactly one tensor.</summary>
    public Tensor Forward(params Tensor[] inputs)
    {
        var outputs = ForwardAll(inputs);
        if (outputs.Length == 1) return outputs[0];
        foreach (var t in outputs) t.Dispose();
        throw new InvalidOperationException(
            $"The TorchScript module from {Path} returned {outputs.Length} tensors; use ForwardAll to receive all of them.");
    }

    /// <summary>Runs forward; a returned tuple or list of tensors becomes an array (a single tensor, one element).</summary>
    public unsafe Tensor[] ForwardAll(params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var module = NativeModule;
        for (var i = 0; i < inputs.Length; i++)
            if (inputs[i] == null) throw new ArgumentNullException(nameof(inputs), $"input {i} to the TorchScript module from {Path} is null.");
        SyncTrainingMode(module);
        var handles = new IntPtr[inputs.Length];
        for (var i = 0; i < inputs.Length; i++) handles[i] = inputs[i].Handle;
        var results = new IntPtr[MaxOutputs];
        long count;
        fixed (IntPtr* input = handles)
        fixed (IntPtr* output = results)
            count = NativeMethods.mdl_jit_forward(module, input, handles.Length, output, results.Length);
        GC.KeepAlive(inputs);
        if (count < 0)
            throw new TorchException($"ScriptModule.Forward ({Path})", Errors.DescribeInputs(inputs),
                CauseFirst(Errors.TakeNativeMessage() ?? "the native call failed without a message"));
        var tensors = new Tensor[count];
        for (var i = 0; i < count; i++) tensors[i] = new Tensor(results[i]);
        return tensors;
    }

    private void SyncTrainingMode(IntPtr module)
    {
        var native = NativeMethods.mdl_jit_is_training(module) != 0;
        if (native != Training && NativeMethods.mdl_jit_train(module, Training ? 1 : 0) != 0)
            throw new TorchException($"ScriptModule.Train ({Path})", "", Errors.TakeNativeMessage() ?? "failed");
    }

    // ---- members --------------------------------------------------------------------------------------------

    // Mirrors the script module's hierarchy with plain container modules so dotted names survive.
    private void AttachMembers(int kind)
    {
        var module = NativeModule;
        var count = NativeMethods.mdl_jit_member_count(module, kind);
        if (count < 0) throw Errors.Take($"ScriptModule members ({Path})");
        for (long i = 0; i < count; i++)
        {
            var handle = NativeMethods.mdl_jit_member(module, kind, i);
            if (handle == IntPtr.Zero) throw Errors.Take($"ScriptModule members ({Path})");
            var name = Marshal.PtrToStringUTF8(NativeMethods.mdl_jit_member_name()) ?? "";
            var tensor = new Tensor(handle, registerInScope: false);
            var dot = name.LastIndexOf('.');
            var owner = dot < 0 ? null : ContainerFor(name.Substring(0, dot));
            var leaf = name.Substring(dot + 1);
            if (kind == 0)
            {
                var parameter = new Parameter(tensor, tensor.RequiresGrad);
                if (owner == null) RegisterParameter(leaf, parameter);
                else owner.AddParameter(leaf, parameter);
            }
            else if (owner == null) RegisterBuffer(leaf, tensor);
            else owner.AddBuffer(leaf, tensor);
        }
    }

    private readonly Dictionary<string, Container> _containers = new();

    private Container ContainerFor(string path)
    {
        if (_containers.TryGetValue(path, out var existing)) return existing;
        var dot = path.LastIndexOf('.');
        var container = new Container();
        if (dot < 0) RegisterModule(path, container);
        else ContainerFor(path.Substring(0, dot)).AddModule(path.Substring(dot + 1), container);
        _containers[path] = container;
        return container;
    }

    /// <summary>A submodule of the script module: holds its members so state-dict names match PyTorch's.</summary>
    private sealed class Container : Module
    {
        public void AddParameter(string name, Parameter p) => RegisterParameter(name, p);
        public void AddBuffer(string name, Tensor t) => RegisterBuffer(name, t);
        public void AddModule(string name, Module m) => RegisterModule(name, m);
    }

    protected override void OnDispose()
    {
        var m = Interlocked.Exchange(ref _module, IntPtr.Zero);
        if (m != IntPtr.Zero) NativeMethods.mdl_jit_free(m);
    }

    // The interpreter puts a TorchScript traceback first and the actual error ("RuntimeError: ...") last.
    private static string CauseFirst(string message)
    {
        if (!message.StartsWith("The following operation failed in the TorchScript interpreter", StringComparison.Ordinal))
            return message;
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines[^1].Trim() + "\n" + message;
    }

    private static string FirstLines(string message) =>
        string.Join(" ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(3)).Trim();

    public override string ToString() => $"ScriptModule({Path})";
}
