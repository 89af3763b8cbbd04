namespace Medley.Data.Problems;

/// <summary>Collects problems while validating, so that every problem is reported rather than the first.</summary>
public sealed class ProblemList
{
    private readonly List<DataProblem> _items = new();
    private readonly object _lock = new();

    public IReadOnlyList<DataProblem> Items { get { lock (_lock) return _items.ToList(); } }
    public int ErrorCount { get { lock (_lock) return _items.Count(p => p.Severity == Severity.Error); } }
    public bool HasErrors => ErrorCount > 0;

    public void Add(DataProblem problem) { lock (_lock) _items.Add(problem); }
    public void AddRange(IEnumerable<DataProblem> problems) { lock (_lock) _items.AddRange(problems); }

    public void Error(string file, int? line, string? column, string message) => Add(DataProblem.Error(file, line, column, message));
    public void Warning(string file, int? line, string? column, string message) => Add(DataProblem.Warning(file, line, column, message));

    /// <summary>Throws a <see cref="DataException"/> listing every error (and warning) if any error was found.</summary>
    public void ThrowIfErrors()
    {
        if (HasErrors) throw new DataException(Items);
    }
}
