using System.Collections;

namespace Medley.Torch.NN;

/// <summary>
/// Runs its layers one after another, like torch.nn.Sequential. Children are named "0", "1", ... unless given names
/// (as with PyTorch's OrderedDict form), so state-dict keys read "features.0.weight".
/// </summary>
public class Sequential : Module<Tensor, Tensor>, IReadOnlyList<Module<Tensor, Tensor>>
{
    private readonly List<(string Name, Module<Tensor, Tensor> Module)> _layers = new();

    public Sequential()
    {
    }

    public Sequential(params Module<Tensor, Tensor>[] layers)
    {
        foreach (var layer in layers) Append(layer);
    }

    /// <summary>Named layers, in order (PyTorch's Sequential(OrderedDict(...))).</summary>
    public Sequential(params (string Name, Module<Tensor, Tensor> Module)[] layers)
    {
        foreach (var (name, layer) in layers) Add(name, layer);
    }

    /// <summary>Appends a layer named by its position.</summary>
    public Sequential Append(Module<Tensor, Tensor> layer) => Add(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);

    /// <summary>Appends a layer under a given name (PyTorch's add_module).</summary>
    public Sequential Add(string name, Module<Tensor, Tensor> layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (_layers.Any(l => l.Name == name))
            throw new ArgumentException($"Sequential already has a layer named '{name}'.", nameof(name));
        RegisterModule(name, layer);
        _layers.Add((name, layer));
        return this;
    }

    public int Count => _layers.Count;

    /// <summary>The layer at a position; negative indices count from the end.</summary>
    public Module<Tensor, Tensor> this[int index] => _layers[ContainerIndex.Resolve(index, _layers.Count, "Sequential")].Module;

    /// <summary>The layer with a given name.</summary>
    public Module<Tensor, Tensor> this[string name] =>
        _layers.FirstOrDefault(l => l.Name == name).Module
        ?? throw new KeyNotFoundException($"Sequential has no layer named '{name}' (it has: {string.Join(", ", _layers.Select(l => l.Name))}).");

    public override Tensor Forward(Tensor input)
    {
        // Intermediate results join the caller's DisposeScope like any op result.
        var x = input;
        foreach (var (_, layer) in _layers) x = layer.Forward(x);
        return x;
    }

    public IEnumerator<Module<Tensor, Tensor>> GetEnumerator() => _layers.Select(l => l.Module).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Holds submodules in a list (torch.nn.ModuleList); children are named "0", "1", ...</summary>
public class ModuleList<T> : Module, IReadOnlyList<T> where T : Module
{
    private readonly List<T> _items = new();

    public ModuleList(params T[] modules) => AddRange(modules);

    public ModuleList(IEnumerable<T> modules) => AddRange(modules);

    public ModuleList<T> Add(T module)
    {
        ArgumentNullException.ThrowIfNull(module);
        RegisterModule(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        _items.Add(module);
        return this;
    }

    public ModuleList<T> AddRange(IEnumerable<T> modules)
    {
        foreach (var m in modules) Add(m);
        return this;
    }

    public int Count => _items.Count;

    /// <summary>Gets or replaces the module at a position; negative indices count from the end.</summary>
    public T this[int index]
    {
        get => _items[ContainerIndex.Resolve(index, _items.Count, "ModuleList")];
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            var i = ContainerIndex.Resolve(index, _items.Count, "ModuleList");
            RegisterModule(i.ToString(System.Globalization.CultureInfo.InvariantCulture), value);
            _items[i] = value;
        }
    }

    public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A ModuleList of any modules.</summary>
public class ModuleList : ModuleList<Module>
{
    public ModuleList(params Module[] modules) : base(modules)
    {
    }
}

/// <summary>Holds submodules by name, in insertion order (torch.nn.ModuleDict).</summary>
public class ModuleDict<T> : Module, IReadOnlyDictionary<string, T> where T : Module
{
    private readonly List<string> _order = new();
    private readonly Dictionary<string, T> _items = new();

    public ModuleDict()
    {
    }

    public ModuleDict(IEnumerable<(string Name, T Module)> modules)
    {
        foreach (var (name, module) in modules) this[name] = module;
    }

    /// <summary>Gets a module, or adds/replaces one (a new name goes last; a replaced one keeps its place).</summary>
    public T this[string key]
    {
        get => _items.TryGetValue(key, out var m)
            ? m
            : throw new KeyNotFoundException($"ModuleDict has no module named '{key}' (it has: {string.Join(", ", _order)}).");
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            RegisterModule(key, value);
            if (!_items.ContainsKey(key)) _order.Add(key);
            _items[key] = value;
        }
    }

    public void Add(string key, T module) => this[key] = module;

    public int Count => _order.Count;
    public IEnumerable<string> Keys => _order;
    public IEnumerable<T> Values => _order.Select(k => _items[k]);
    public bool ContainsKey(string key) => _items.ContainsKey(key);

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value) =>
        _items.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, T>> GetEnumerator() =>
        _order.Select(k => new KeyValuePair<string, T>(k, _items[k])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A ModuleDict of any modules.</summary>
public class ModuleDict : ModuleDict<Module>
{
    public ModuleDict()
    {
    }

    public ModuleDict(IEnumerable<(string Name, Module Module)> modules) : base(modules)
    {
    }
}

internal static class ContainerIndex
{
    public static int Resolve(int index, int count, string container)
    {
        var i = index < 0 ? index + count : index;
        if (i < 0 || i >= count)
            throw new ArgumentOutOfRangeException(nameof(index), $"index {index} is out of range for a {container} of {count} modules");
        return i;
    }
}
