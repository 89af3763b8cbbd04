namespace Medley.Torch;

/// <summary>
/// Owns every tensor created on this thread while it is the innermost open scope, and frees them when disposed,
/// except tensors moved out with <see cref="Keep"/> or <see cref="Tensor.DetachFromScope"/>. Scopes nest.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? _current;

    private readonly List<Tensor> _owned = new();
    private readonly DisposeScope? _parent;
    private bool _disposed;

    private DisposeScope(DisposeScope? parent) => _parent = parent;

    public static DisposeScope? Current => _current;

    public static DisposeScope Enter()
    {
        var scope = new DisposeScope(_current);
        _current = scope;
        return scope;
    }

    /// <summary>Number of tensors this scope would free now.</summary>
    public int OwnedCount => _owned.Count(t => ReferenceEquals(t.Scope, this) && !t.IsDisposed);

    internal void Add(Tensor tensor)
    {
        tensor.Scope = this;
        _owned.Add(tensor);
    }

    /// <summary>Moves the tensor to the enclosing scope (or to no scope) so it survives this one; returns it.</summary>
    public Tensor Keep(Tensor tensor)
    {
        if (ReferenceEquals(tensor.Scope, this))
        {
            tensor.Scope = null;
            _parent?.Add(tensor);
        }
        return tensor;
    }

    public T Keep<T>(T tensors) where T : IEnumerable<Tensor>
    {
        foreach (var t in tensors) Keep(t);
        return tensors;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!ReferenceEquals(_current, this))
            throw new InvalidOperationException("DisposeScopes must be disposed in the reverse order they were entered.");
        _current = _parent;
        foreach (var tensor in _owned)
            if (ReferenceEquals(tensor.Scope, this)) tensor.Dispose();
        _owned.Clear();
    }
}
