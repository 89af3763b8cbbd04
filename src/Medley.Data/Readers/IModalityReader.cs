using Medley.Data.Spec;

namespace Medley.Data.Readers;

/// <summary>
/// Reads one modality of one sample. Implementations must be safe to call from several threads at once
/// (the data loader reads in background workers) once fitting is done.
/// </summary>
public interface IModalityReader
{
    ModalitySpec Spec { get; }

    /// <summary>The shape of one sample's tensor when it is fixed (used to fill absent samples in a batch); null if it varies.</summary>
    long[]? ItemShape { get; }

    /// <summary>Validates the sample's raw data without producing tensors (for `medley data check`).</summary>
    ModalityValue Check(SampleRow row);

    /// <summary>Reads and preprocesses the sample (preprocessing must be fitted first where the reader has any).</summary>
    ModalityValue Read(SampleRow row);
}

/// <summary>A reader whose preprocessing is fitted on the training rows only and saved with the model.</summary>
public interface IFittableReader : IModalityReader
{
    bool IsFitted { get; }
    void Fit(IReadOnlyList<SampleRow> trainRows);
    /// <summary>The fitted state as JSON (restores with <see cref="LoadState"/>).</summary>
    string SaveState();
    void LoadState(string json);
}

/// <summary>A reader that can describe its data for `medley data check` (ranges, lengths, sizes).</summary>
public interface ISummarizingReader : IModalityReader
{
    IEnumerable<string> Summarize(IReadOnlyList<SampleRow> rows);
}

/// <summary>A reader that found problems not tied to one manifest row (e.g. a row of its own file naming an unknown sample).</summary>
public interface IFileProblemsReader : IModalityReader
{
    IReadOnlyList<Problems.DataProblem> FileProblems { get; }
}

/// <summary>Per-read settings a loader passes: whether this is training (augmentation on) and a per-sample seed.</summary>
public readonly record struct ReadContext(bool Augment, long Seed);

/// <summary>A reader with random augmentation: seeded per sample by the loader, and only when <see cref="ReadContext.Augment"/> is set.</summary>
public interface IAugmentingReader : IModalityReader
{
    ModalityValue Read(SampleRow row, ReadContext context);
}
