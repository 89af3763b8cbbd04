namespace Medley.Torch.NN;

/// <summary>A trainable tensor owned by a Module: requires grad and never belongs to a DisposeScope.</summary>
public sealed class Parameter : Tensor
{
    /// <summary>Takes over <paramref name="data"/>'s handle (detached from any graph); data becomes disposed.</summary>
    public Parameter(Tensor data, bool requiresGrad = true) : base(PrepareLeaf(data))
    {
        RequiresGrad = requiresGrad;
    }

    private static Tensor PrepareLeaf(Tensor data)
    {
        if (data.IsLeaf) return data;
        // A non-leaf can't hold .grad: keep a detached copy of the values instead.
        var leaf = data.Detach();
        data.Dispose();
        return leaf;
    }
}

/// <summary>Marks a Tensor field of a Module as a buffer (saved in the state dict, not trained).</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class BufferAttribute : Attribute
{
}

/// <summary>Overrides the state-dict name of a field (default: the field name without a leading underscore).</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class NameAttribute : Attribute
{
    public string Name { get; }
    public NameAttribute(string name) => Name = name;
}

/// <summary>Fields the discovery must skip (e.g. a reference to a shared module owned elsewhere).</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class IgnoreAttribute : Attribute
{
}
