namespace Medley.Data.Problems;

/// <summary>
/// Invalid data or spec. Carries every problem found (not only the first) so callers can list them all;
/// it derives from <see cref="IOException"/> (bad file contents) so the CLI prints it as a user error.
/// </summary>
public sealed class DataException : IOException
{
    public IReadOnlyList<DataProblem> Problems { get; }

    public DataException(IReadOnlyList<DataProblem> problems)
        : base(Format(problems)) => Problems = problems;

    public DataException(DataProblem problem) : this(new[] { problem }) { }

    private static string Format(IReadOnlyList<DataProblem> problems)
    {
        var shown = problems.Take(20).Select(p => p.ToString());
        var more = problems.Count > 20 ? $"\n... and {problems.Count - 20} more" : "";
        return string.Join("\n", shown) + more;
    }
}
