using System.Reflection;
using Medley.Data.Spec;

namespace Medley.Data.Readers;

/// <summary>The reader factory for each modality kind: discovered in this assembly, or registered by the host.</summary>
public static class ModalityReaders
{
    private static readonly object Lock = new();
    private static Dictionary<ModalityKind, IModalityReaderFactory>? _factories;

    /// <summary>Adds or replaces the factory for its kind (e.g. readers living in another assembly).</summary>
    public static void Register(IModalityReaderFactory factory)
    {
        lock (Lock) Factories()[factory.Kind] = factory;
    }

    public static IModalityReaderFactory? Find(ModalityKind kind)
    {
        lock (Lock) return Factories().GetValueOrDefault(kind);
    }

    private static Dictionary<ModalityKind, IModalityReaderFactory> Factories()
    {
        if (_factories != null) return _factories;
        var found = new Dictionary<ModalityKind, IModalityReaderFactory>();
        var types = typeof(ModalityReaders).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IModalityReaderFactory).IsAssignableFrom(t)
                        && t.GetConstructor(Type.EmptyTypes) != null);
        foreach (var type in types.OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var factory = (IModalityReaderFactory)Activator.CreateInstance(type)!;
            // A real reader always wins over a fallback stand-in.
            if (!found.TryGetValue(factory.Kind, out var existing) || (existing.IsFallback && !factory.IsFallback))
                found[factory.Kind] = factory;
        }
        return _factories = found;
    }
}
