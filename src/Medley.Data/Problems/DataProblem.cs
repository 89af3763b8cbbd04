namespace Medley.Data.Problems;

/// <summary>How bad a data problem is: errors make `medley data check` fail, warnings are reported only.</summary>
public enum Severity { Error, Warning }

/// <summary>One problem found in a spec, manifest or sample file, located as precisely as possible.</summary>
/// <param name="File">The file the problem is in (spec, manifest or a sample's file).</param>
/// <param name="Line">1-based line in <paramref name="File"/> (the CSV line of a manifest row), when known.</param>
/// <param name="Column">The manifest column or spec key involved, when known.</param>
public sealed record DataProblem(Severity Severity, string File, int? Line, string? Column, string Message)
{
    public static DataProblem Error(string file, int? line, string? column, string message) =>
        new(Severity.Error, file, line, column, message);

    public static DataProblem Warning(string file, int? line, string? column, string message) =>
        new(Severity.Warning, file, line, column, message);

    public override string ToString()
    {
        var where = File;
        if (Line is { } l) where += $":{l}";
        if (Column != null) where += $" [{Column}]";
        return $"{(Severity == Severity.Error ? "error" : "warning")}: {where}: {Message}";
    }
}
