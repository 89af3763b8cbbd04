using Medley.Data.Spec;

namespace Medley.Data.Readers;

/// <summary>
/// Makes the reader of one modality kind from its spec. Public non-abstract implementations with a parameterless
/// constructor in Medley.Data are found automatically; others can be added with <see cref="ModalityReaders.Register"/>.
/// </summary>
public interface IModalityReaderFactory
{
    ModalityKind Kind { get; }

    /// <summary>Option keys this kind accepts besides 'name' and 'kind' (unknown keys are errors listing these).</summary>
    IReadOnlyList<string> OptionKeys { get; }

    /// <summary>A stand-in used only while no other factory for the kind exists.</summary>
    bool IsFallback => false;

    /// <summary>Validates the options against the manifest and makes the reader; throws <see cref="Problems.DataException"/> on bad options.</summary>
    IModalityReader Create(ModalityContext context);
}
