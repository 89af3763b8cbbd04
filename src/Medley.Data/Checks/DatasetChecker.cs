using System.Globalization;
using Medley.Data.Datasets;
using Medley.Data.Problems;
using Medley.Data.Readers;
using Medley.Data.Spec;

namespace Medley.Data.Checks;

/// <summary>What `medley data check` found: every problem, and a human-readable summary of the data.</summary>
public sealed record CheckReport(IReadOnlyList<DataProblem> Problems, IReadOnlyList<string> Summary, int Samples, int Groups)
{
    public int ErrorCount => Problems.Count(p => p.Severity == Severity.Error);
    public int WarningCount => Problems.Count - ErrorCount;
}

/// <summary>
/// Validates a spec and every row and file it refers to, collecting all problems instead of stopping at the first,
/// and summarises the data (samples, groups, labels, presence per modality, per-modality ranges/lengths/shapes).
/// </summary>
public static class DatasetChecker
{
    public static CheckReport Check(string specPath)
    {
        DatasetSpec spec;
        try { spec = DatasetSpec.Load(specPath); }
        catch (DataException e) { return new CheckReport(e.Problems, Array.Empty<string>(), 0, 0); }
        return Check(spec);
    }

    public static CheckReport Check(DatasetSpec spec)
    {
        var problems = new ProblemList();
        var dataset = MultimodalDataset.Open(spec, problems);
        if (dataset == null) return new CheckReport(problems.Items, Array.Empty<string>(), 0, 0);

        var summary = new List<string>();
        var groups = dataset.Rows.Select(r => r.GroupId).Distinct().Count();
        summary.Add($"spec: {spec.SpecPath}");
        summary.Add($"manifest: {spec.ManifestPath}");
        summary.Add($"samples: {dataset.Count}");
        summary.Add($"groups ({spec.GroupIdColumn}): {groups}");
        summary.Add($"task: {spec.Label.Task.Name()} on {string.Join(", ", spec.Label.Columns)}");
        var counts = dataset.Labels.Counts(Enumerable.Range(0, dataset.Count));
        for (var c = 0; c < dataset.Labels.ClassCount; c++)
            summary.Add(string.Create(CultureInfo.InvariantCulture,
                $"  {dataset.Labels.ClassNames[c]}: {counts[c]} ({100.0 * counts[c] / Math.Max(1, dataset.Count):F1}%)"));

        for (var m = 0; m < spec.Modalities.Count; m++)
        {
            var modality = spec.Modalities[m];
            var reader = dataset.Readers[m];
            summary.Add($"modality '{modality.Name}' ({modality.Kind.Name()}):");
            if (reader == null)
            {
                summary.Add("  not checked (see problems)");
                continue;
            }
            var present = new bool[dataset.Count];
            var perRow = new IReadOnlyList<DataProblem>[dataset.Count];
            Parallel.For(0, dataset.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) }, i =>
            {
                using var value = SafeCheck(reader, dataset.Row(i));
                present[i] = value.Present;
                perRow[i] = value.Problems;
            });
            foreach (var list in perRow) problems.AddRange(list);
            if (reader is IFileProblemsReader fp) problems.AddRange(fp.FileProblems);
            var n = present.Count(p => p);
            summary.Add(string.Create(CultureInfo.InvariantCulture, $"  present: {n} of {dataset.Count} ({100.0 * n / Math.Max(1, dataset.Count):F1}%)"));
            if (reader is ISummarizingReader s)
            {
                try { summary.AddRange(s.Summarize(dataset.Rows).Select(line => "  " + line)); }
                catch (Exception e) when (e is DataException or IOException or InvalidDataException) { summary.Add($"  summary failed: {e.Message}"); }
            }
        }
        return new CheckReport(problems.Items, summary, dataset.Count, groups);
    }

    /// <summary>A reader failing on one row becomes a problem on that row, so the check goes on.</summary>
    private static ModalityValue SafeCheck(IModalityReader reader, SampleRow row)
    {
        try { return reader.Check(row); }
        catch (Exception e) when (e is DataException or IOException or InvalidDataException or ArgumentException or InvalidOperationException)
        {
            var problems = e is DataException de ? de.Problems
                : new[] { DataProblem.Error(row.ManifestPath, row.Line, null, $"sample '{row.SampleId}', modality '{reader.Spec.Name}': {e.Message}") };
            return ModalityValue.Missing(problems);
        }
    }
}
