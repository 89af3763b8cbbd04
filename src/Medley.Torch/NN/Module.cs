using System.Collections.Concurrent;
using System.Reflection;

namespace Medley.Torch.NN;

/// <summary>
/// Base of every layer and model. Parameters (fields of type <see cref="Parameter"/>), buffers (Tensor fields marked
/// [Buffer]) and submodules (fields of type Module) are discovered by reflection, plus anything registered by name
/// (containers use that). State-dict names follow PyTorch: "layer1.0.conv1.weight".
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<(string Name, object? Value, Kind Kind)> _registered = new();
    private bool _disposed;

    private enum Kind { Parameter, Buffer, Module }

    private sealed record FieldSlot(FieldInfo Field, string Name, Kind Kind);

    private static readonly ConcurrentDictionary<Type, FieldSlot[]> FieldCache = new();

    public bool Training { get; private set; } = true;

    // ---- registration ---------------------------------------------------------------------------------------

    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        SetRegistered(name, module, Kind.Module);
        return module;
    }

    protected Parameter? RegisterParameter(string name, Parameter? parameter)
    {
        SetRegistered(name, parameter, Kind.Parameter);
        return parameter;
    }

    protected Tensor? RegisterBuffer(string name, Tensor? buffer)
    {
        buffer?.DetachFromScope();
        SetRegistered(name, buffer, Kind.Buffer);
        return buffer;
    }

    private void SetRegistered(string name, object? value, Kind kind)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"'{name}' is not a valid member name: it must be non-empty and contain no '.'.");
        var index = _registered.FindIndex(r => r.Name == name);
        if (index >= 0) _registered[index] = (name, value, kind);
        else _registered.Add((name, value, kind));
    }

    private static FieldSlot[] SlotsOf(Type type) => FieldCache.GetOrAdd(type, t =>
    {
        var chain = new List<Type>();
        for (var c = t; c != null && c != typeof(Module); c = c.BaseType) chain.Insert(0, c);
        var slots = new List<FieldSlot>();
        foreach (var c in chain)
        {
            foreach (var f in c.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (f.GetCustomAttribute<IgnoreAttribute>() != null) continue;
                if (f.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() != null && !f.Name.Contains("k__BackingField")) continue;
                var name = f.GetCustomAttribute<NameAttribute>()?.Name ?? CleanName(f.Name);
                if (typeof(Parameter).IsAssignableFrom(f.FieldType)) slots.Add(new FieldSlot(f, name, Kind.Parameter));
                else if (typeof(Module).IsAssignableFrom(f.FieldType)) slots.Add(new FieldSlot(f, name, Kind.Module));
                else if (typeof(Tensor).IsAssignableFrom(f.FieldType) && f.GetCustomAttribute<BufferAttribute>() != null)
                    slots.Add(new FieldSlot(f, name, Kind.Buffer));
            }
        }
        return slots.ToArray();
    });

    private static string CleanName(string fieldName)
    {
        // Auto-property backing fields look like "<Name>k__BackingField".
        if (fieldName.StartsWith('<'))
        {
            var end = fieldName.IndexOf('>');
            if (end > 1) fieldName = fieldName.Substring(1, end - 1);
        }
        return fieldName.TrimStart('_');
    }

    private IEnumerable<(string Name, object Value, Kind Kind)> Members()
    {
        foreach (var slot in SlotsOf(GetType()))
        {
            var value = slot.Field.GetValue(this);
            if (value != null) yield return (slot.Name, value, slot.Kind);
        }
        foreach (var r in _registered)
            if (r.Value != null) yield return (r.Name, r.Value, r.Kind);
    }

    // ---- traversal ------------------------------------------------------------------------------------------

    public IEnumerable<(string Name, Module Module)> NamedChildren()
    {
        foreach (var (name, value, kind) in Members())
            if (kind == Kind.Module) yield return (name, (Module)value);
    }

    public IEnumerable<Module> Children() => NamedChildren().Select(c => c.Module);

    /// <summary>This module ("") and every descendant, depth first, each once.</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        return NamedModulesCore(prefix, seen);
    }

    private IEnumerable<(string, Module)> NamedModulesCore(string prefix, HashSet<Module> seen)
    {
        if (!seen.Add(this)) yield break;
        yield return (prefix, this);
        foreach (var (name, child) in NamedChildren())
            foreach (var item in child.NamedModulesCore(Join(prefix, name), seen))
                yield return item;
    }

    public IEnumerable<Module> Modules() => NamedModules().Select(m => m.Module);

    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters(bool recurse = true)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, module) in recurse ? NamedModules() : new[] { ("", this) })
            foreach (var (name, value, kind) in module.Members())
                if (kind == Kind.Parameter && seen.Add((Tensor)value))
                    yield return (Join(prefix, name), (Parameter)value);
    }

    public IEnumerable<Parameter> Parameters(bool recurse = true) => NamedParameters(recurse).Select(p => p.Parameter);

    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(bool recurse = true)
    {
        foreach (var (prefix, module) in recurse ? NamedModules() : new[] { ("", this) })
            foreach (var (name, value, kind) in module.Members())
                if (kind == Kind.Buffer) yield return (Join(prefix, name), (Tensor)value);
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>Number of parameter elements (trainable only, if asked).</summary>
    public long ParameterCount(bool trainableOnly = false) =>
        Parameters().Where(p => !trainableOnly || p.RequiresGrad).Sum(p => p.NumEl);

    // ---- modes ----------------------------------------------------------------------------------------------

    /// <summary>Switches this module and every descendant to training (true) or evaluation (false) behaviour.</summary>
    public Module Train(bool training = true)
    {
        foreach (var m in Modules()) m.Training = training;
        return this;
    }

    public Module Eval() => Train(false);

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }

    /// <summary>Freezes (false) or unfreezes (true) every parameter.</summary>
    public Module RequiresGrad_(bool requiresGrad)
    {
        foreach (var p in Parameters()) p.RequiresGrad = requiresGrad;
        return this;
    }

    // ---- state dict -----------------------------------------------------------------------------------------

    /// <summary>Parameters and buffers by name, as new handles sharing storage (dispose them, or use a scope).</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var dict = new Dictionary<string, Tensor>();
        foreach (var (name, p) in NamedParameters()) dict[name] = p.Detach();
        foreach (var (name, b) in NamedBuffers()) dict[name] = b.Detach();
        return dict;
    }

    /// <summary>
    /// Copies values from <paramref name="stateDict"/> into this module's parameters and buffers. Strict mode fails on
    /// any missing or unexpected key; a shape mismatch always fails. Nothing is copied when the load fails.
    /// </summary>
    public LoadStateDictResult LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        var targets = new Dictionary<string, Tensor>();
        foreach (var (name, p) in NamedParameters()) targets[name] = p;
        foreach (var (name, b) in NamedBuffers()) targets[name] = b;

        var missing = targets.Keys.Where(k => !stateDict.ContainsKey(k)).ToList();
        var unexpected = stateDict.Keys.Where(k => !targets.ContainsKey(k)).ToList();
        var mismatched = new List<string>();
        foreach (var (name, target) in targets)
        {
            if (!stateDict.TryGetValue(name, out var source)) continue;
            var ts = target.Shape;
            var ss = source.Shape;
            if (!ts.SequenceEqual(ss))
                mismatched.Add($"{name}: checkpoint has shape {Tensor.ShapeText(ss)}, model expects {Tensor.ShapeText(ts)}");
        }
        var result = new LoadStateDictResult(missing, unexpected);
        if (mismatched.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
            throw new StateDictException(result, mismatched);

        using (Engine.NoGrad())
        {
            foreach (var (name, target) in targets)
                if (stateDict.TryGetValue(name, out var source)) target.CopyFrom(source);
        }
        return result;
    }

    // ---- lifetime -------------------------------------------------------------------------------------------

    /// <summary>Frees every parameter and buffer of this module and its descendants.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        foreach (var m in Modules().ToList())
        {
            if (m._disposed) continue;
            m._disposed = true;
            foreach (var (_, value, kind) in m.Members().ToList())
                if (kind != Kind.Module) ((Tensor)value).Dispose();
            m.OnDispose();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Hook for modules that own native resources beyond parameters and buffers.</summary>
    protected virtual void OnDispose()
    {
    }

    public override string ToString() => GetType().Name;
}

/// <summary>A module with one input and one output type; most layers are Module&lt;Tensor, Tensor&gt;.</summary>
public abstract class Module<TIn, TOut> : Module
{
    public abstract TOut Forward(TIn input);

    public TOut Call(TIn input) => Forward(input);
}

public sealed record LoadStateDictResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);

/// <summary>A state dict that does not fit the module: lists every missing, unexpected and mis-shaped key.</summary>
public sealed class StateDictException : Exception
{
    public LoadStateDictResult Result { get; }
    public IReadOnlyList<string> ShapeMismatches { get; }

    public StateDictException(LoadStateDictResult result, IReadOnlyList<string> shapeMismatches)
        : base(Describe(result, shapeMismatches))
    {
        Result = result;
        ShapeMismatches = shapeMismatches;
    }

    private static string Describe(LoadStateDictResult r, IReadOnlyList<string> mismatches)
    {
        var parts = new List<string>();
        if (r.MissingKeys.Count > 0) parts.Add($"missing keys ({r.MissingKeys.Count}): {string.Join(", ", r.MissingKeys.Take(20))}{(r.MissingKeys.Count > 20 ? ", ..." : "")}");
        if (r.UnexpectedKeys.Count > 0) parts.Add($"unexpected keys ({r.UnexpectedKeys.Count}): {string.Join(", ", r.UnexpectedKeys.Take(20))}{(r.UnexpectedKeys.Count > 20 ? ", ..." : "")}");
        if (mismatches.Count > 0) parts.Add($"shape mismatches ({mismatches.Count}): {string.Join("; ", mismatches.Take(20))}");
        return "The state dict does not match the model: " + string.Join("; ", parts) + ".";
    }
}
