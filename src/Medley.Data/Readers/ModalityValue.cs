using Medley.Data.Problems;
using Medley.Torch;

namespace Medley.Data.Readers;

/// <summary>
/// What a reader returns for one sample: the tensor (and an optional per-element mask, e.g. a text attention mask),
/// or "missing" (the sample lacks this modality: data, not an error), plus any problems found while reading.
/// The caller owns the tensors.
/// </summary>
public sealed class ModalityValue : IDisposable
{
    private static readonly IReadOnlyList<DataProblem> NoProblems = Array.Empty<DataProblem>();

    public bool Present { get; }
    public Tensor? Value { get; }
    public Tensor? Mask { get; }
    public IReadOnlyList<DataProblem> Problems { get; }

    private ModalityValue(bool present, Tensor? value, Tensor? mask, IReadOnlyList<DataProblem>? problems)
    {
        Present = present;
        Value = value;
        Mask = mask;
        Problems = problems ?? NoProblems;
    }

    public static ModalityValue Of(Tensor value, Tensor? mask = null, IReadOnlyList<DataProblem>? problems = null) =>
        new(true, value, mask, problems);

    /// <summary>Present, but no tensor produced (used by checks that only validate).</summary>
    public static ModalityValue PresentOnly(IReadOnlyList<DataProblem>? problems = null) => new(true, null, null, problems);

    public static ModalityValue Missing(IReadOnlyList<DataProblem>? problems = null) => new(false, null, null, problems);

    public bool HasErrors => Problems.Any(p => p.Severity == Severity.Error);

    public void Dispose()
    {
        Value?.Dispose();
        Mask?.Dispose();
    }
}
