using System.Globalization;
using Medley.Data.Problems;
using Medley.Data.Readers;
using Medley.Data.Spec;
using Medley.Data.Tables;
using Medley.Data.Tabular;
using Medley.Torch;

namespace Medley.Data.Timeseries;

/// <summary>
/// A multivariate time series per sample, from a long-format file (sample id, time, variable, value) or from wide
/// manifest columns (one per step and variable), resampled to T steps. Output float32 [T, 2V]: V scaled values then
/// V observed-mask channels. Values of a variable never measured take the training median (mask 0).
/// </summary>
public sealed class TimeseriesReader : IFittableReader, ISummarizingReader, IFileProblemsReader
{
    private readonly ModalityContext _context;
    private readonly int _steps;
    private readonly double? _start, _end;
    private readonly double? _sigma;
    private readonly bool _scale;
    private readonly bool _invalidIsMissing;
    private readonly string[] _variables;
    // Long format: observations and problems by sample id.
    private readonly Dictionary<string, List<Observation>>? _long;
    private readonly Dictionary<string, List<DataProblem>>? _longProblems;
    private readonly List<DataProblem> _fileProblems = new();
    // Wide format: per variable, its columns in step order, and the time of each step.
    private readonly string[][]? _wideColumns;
    private readonly double[]? _wideTimes;
    private TimeseriesPreprocessor? _fitted;

    public TimeseriesReader(ModalityContext context)
    {
        _context = context;
        var o = context.Options;
        _steps = o.Int("steps", 48, 1, 100_000);
        _start = o.Double("start");
        _end = o.Double("end");
        if (_start is { } s0 && _end is { } e0 && e0 <= s0) throw o.Error("end", "'end' must be after 'start'");
        _sigma = o.Has("outlier_sigma") ? o.Double("outlier_sigma") : 3.0;
        _scale = o.Choice("scaling", "minmax", "minmax", "none") == "minmax";
        _invalidIsMissing = o.Choice("invalid", "error", "error", "missing") == "missing";
        var format = o.Choice("format", "long", "long", "wide");
        if (format == "long")
        {
            foreach (var key in new[] { "times" })
                if (o.Has(key)) throw o.Error(key, $"'{key}' belongs to the wide format (format: wide)");
            (_variables, _long, _longProblems) = LoadLong(context);
        }
        else
        {
            foreach (var key in new[] { "file", "id_column", "time_column", "variable_column", "value_column" })
                if (o.Has(key)) throw o.Error(key, $"'{key}' belongs to the long format (format: long)");
            (_variables, _wideColumns, _wideTimes) = LoadWide(context);
        }
    }

    public ModalitySpec Spec => _context.Modality;
    public long[]? ItemShape => new long[] { _steps, 2 * _variables.Length };
    public IReadOnlyList<string> Variables => _variables;
    public bool IsFitted => _fitted != null;
    public TimeseriesPreprocessor Preprocessor => _fitted ?? throw NotFitted();
    public IReadOnlyList<DataProblem> FileProblems => _fileProblems;

    private InvalidOperationException NotFitted() =>
        new($"modality '{Spec.Name}': the time-series preprocessing is not fitted; fit the dataset on its training rows first");

    private (string[], Dictionary<string, List<Observation>>, Dictionary<string, List<DataProblem>>) LoadLong(ModalityContext context)
    {
        var o = context.Options;
        var path = context.SpecPath("file");
        var table = CsvTable.Read(path);
        string Col(string key, string fallback)
        {
            var name = o.String(key) ?? fallback;
            if (!table.HasColumn(name)) throw o.Error(key, $"column '{name}' is not in {path} (columns: {string.Join(", ", table.Columns)}); set '{key}'");
            return name;
        }
        var (idName, timeName, varName, valueName) = (Col("id_column", "id"), Col("time_column", "time"), Col("variable_column", "variable"), Col("value_column", "value"));
        var (idC, timeC, varC, valueC) = (table.ColumnIndex(idName), table.ColumnIndex(timeName), table.ColumnIndex(varName), table.ColumnIndex(valueName));
        var declared = o.StringList("variables");
        var variables = declared.Count > 0 ? declared.ToArray()
            : Enumerable.Range(0, table.RowCount).Select(r => table.Cell(r, varC)).Where(v => v.Length > 0).Distinct().OrderBy(v => v, StringComparer.Ordinal).ToArray();
        var varIndex = variables.Select((v, i) => (v, i)).ToDictionary(x => x.v, x => x.i, StringComparer.Ordinal);
        var manifestIds = new HashSet<string>(Enumerable.Range(0, context.Manifest.RowCount)
            .Select(r => context.Manifest.Cell(r, context.Manifest.ColumnIndex(context.Dataset.SampleIdColumn))), StringComparer.Ordinal);
        var obs = new Dictionary<string, List<Observation>>(StringComparer.Ordinal);
        var problems = new Dictionary<string, List<DataProblem>>(StringComparer.Ordinal);
        var unknownIds = 0;
        for (var r = 0; r < table.RowCount; r++)
        {
            var id = table.Cell(r, idC);
            var line = table.Lines[r];
            if (!manifestIds.Contains(id))
            {
                if (unknownIds++ < 20) _fileProblems.Add(DataProblem.Warning(path, line, idName, $"sample id '{id}' is not in the manifest; row ignored"));
                continue;
            }
            var variable = table.Cell(r, varC);
            if (!varIndex.TryGetValue(variable, out var vi)) continue; // a variable the spec did not ask for
            var timeOk = NumericParser.Parse(table.Cell(r, timeC), out var time, out var timeReason) == NumericParser.Outcome.Value;
            var valueOutcome = NumericParser.Parse(table.Cell(r, valueC), out var value, out var valueReason);
            void Problem(string column, string reason)
            {
                if (!problems.TryGetValue(id, out var list)) problems[id] = list = new();
                list.Add(DataProblem.Error(path, line, column, $"sample '{id}', modality '{Spec.Name}': {reason}"));
            }
            if (!timeOk) { Problem(timeName, $"time {timeReason ?? "is empty"}"); continue; }
            if (valueOutcome == NumericParser.Outcome.Invalid && !_invalidIsMissing) Problem(valueName, valueReason + " (set 'invalid: missing' to skip such values)");
            if (valueOutcome != NumericParser.Outcome.Value) continue;
            if (!obs.TryGetValue(id, out var l)) obs[id] = l = new();
            l.Add(new Observation(time, vi, value));
        }
        if (unknownIds > 20) _fileProblems.Add(DataProblem.Warning(path, null, idName, $"... {unknownIds - 20} more rows name sample ids not in the manifest"));
        return (variables, obs, problems);
    }

    private (string[], string[][], double[]) LoadWide(ModalityContext context)
    {
        var o = context.Options;
        var section = o.Section("variables") ?? throw o.Error("variables", "the wide format lists 'variables' as a mapping: name: [column per step, ...]");
        var names = section.Keys.ToArray();
        if (names.Length == 0) throw o.Error("variables", "'variables' is empty");
        var columns = names.Select(n => section.StringList(n).Select(c => context.CheckColumn("variables", c)).ToArray()).ToArray();
        var width = columns[0].Length;
        for (var i = 0; i < names.Length; i++)
            if (columns[i].Length != width || width == 0)
                throw section.Error(names[i], $"every variable needs the same number (>0) of step columns; '{names[0]}' has {width}, '{names[i]}' has {columns[i].Length}");
        var timesText = o.StringList("times");
        double[] times;
        if (timesText.Count == 0) times = Enumerable.Range(0, width).Select(i => (double)i).ToArray();
        else
        {
            if (timesText.Count != width) throw o.Error("times", $"'times' has {timesText.Count} entries but each variable has {width} step columns");
            times = timesText.Select(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
                : throw o.Error("times", $"time '{t}' is not a number")).ToArray();
        }
        return (names, columns, times);
    }

    /// <summary>A sample's raw observations and the problems in them.</summary>
    private (List<Observation> Obs, IReadOnlyList<DataProblem> Problems) Observe(SampleRow row)
    {
        if (_long != null)
            return (_long.GetValueOrDefault(row.SampleId) ?? new(), (IReadOnlyList<DataProblem>?)_longProblems!.GetValueOrDefault(row.SampleId) ?? Array.Empty<DataProblem>());
        var obs = new List<Observation>();
        var problems = new List<DataProblem>();
        for (var v = 0; v < _variables.Length; v++)
            for (var t = 0; t < _wideTimes!.Length; t++)
            {
                var column = _wideColumns![v][t];
                switch (NumericParser.Parse(row.Cell(column), out var value, out var reason))
                {
                    case NumericParser.Outcome.Value: obs.Add(new Observation(_wideTimes[t], v, value)); break;
                    case NumericParser.Outcome.Invalid when !_invalidIsMissing:
                        problems.Add(_context.RowError(row, column, reason + " (set 'invalid: missing' to skip such values)"));
                        break;
                }
            }
        return (obs, problems);
    }

    public ModalityValue Check(SampleRow row)
    {
        var (obs, problems) = Observe(row);
        return obs.Count > 0 ? ModalityValue.PresentOnly(problems) : ModalityValue.Missing(problems);
    }

    public void Fit(IReadOnlyList<SampleRow> trainRows)
    {
        var values = _variables.Select(_ => new List<double>()).ToList();
        foreach (var row in trainRows)
            foreach (var o in Observe(row).Obs) values[o.Variable].Add(o.Value);
        _fitted = TimeseriesPreprocessor.Fit(_variables, values, _sigma, _scale);
    }

    public string SaveState() => Preprocessor.ToJson();
    public void LoadState(string json) => _fitted = TimeseriesPreprocessor.FromJson(json);

    public ModalityValue Read(SampleRow row)
    {
        var fitted = _fitted ?? throw NotFitted();
        var (all, problems) = Observe(row);
        var obs = all.Where(o => !fitted.IsOutlier(o.Variable, o.Value)).ToList();
        if (all.Count == 0) return ModalityValue.Missing(problems);
        return ModalityValue.Of(Tensor.From(Resample(obs, fitted), ItemShape), problems: problems);
    }

    /// <summary>[T, 2V] row-major: per step, V scaled values then V mask bits.</summary>
    private float[] Resample(List<Observation> obs, TimeseriesPreprocessor fitted)
    {
        var v = _variables.Length;
        double start, end;
        if (obs.Count == 0) (start, end) = (_start ?? 0, _end ?? 0);
        else (start, end) = (_start ?? obs.Min(o => o.Time), _end ?? obs.Max(o => o.Time));
        var grid = TimeseriesResampler.Grid(start, end, _steps);
        var result = new float[_steps * 2 * v];
        var values = new float[_steps];
        var mask = new float[_steps];
        for (var k = 0; k < v; k++)
        {
            Array.Clear(values);
            Array.Clear(mask);
            var points = obs.Where(o => o.Variable == k).Select(o => (o.Time, fitted.Scale(k, o.Value))).ToList();
            if (!TimeseriesResampler.Interpolate(points, grid, values, mask))
                Array.Fill(values, (float)fitted.Scale(k, fitted.Variables[k].Median));
            for (var t = 0; t < _steps; t++)
            {
                result[t * 2 * v + k] = values[t];
                result[t * 2 * v + v + k] = mask[t];
            }
        }
        return result;
    }

    public IEnumerable<string> Summarize(IReadOnlyList<SampleRow> rows)
    {
        var perVariable = _variables.Select(_ => new List<double>()).ToArray();
        var counts = new List<int>();
        foreach (var row in rows)
        {
            var obs = Observe(row).Obs;
            if (obs.Count > 0) counts.Add(obs.Count);
            foreach (var o in obs) perVariable[o.Variable].Add(o.Value);
        }
        yield return counts.Count == 0 ? "no observations"
            : $"observations per sample: min {counts.Min()}, median {counts.Order().ElementAt(counts.Count / 2)}, max {counts.Max()}; resampled to {_steps} steps";
        for (var k = 0; k < _variables.Length; k++)
            yield return perVariable[k].Count == 0 ? $"{_variables[k]}: no values"
                : string.Create(CultureInfo.InvariantCulture, $"{_variables[k]}: {perVariable[k].Count} values, range {perVariable[k].Min():G6} .. {perVariable[k].Max():G6}");
    }
}

/// <summary>Makes <see cref="TimeseriesReader"/>s.</summary>
public sealed class TimeseriesReaderFactory : IModalityReaderFactory
{
    public ModalityKind Kind => ModalityKind.Timeseries;
    public IReadOnlyList<string> OptionKeys { get; } = new[]
    {
        "format", "file", "id_column", "time_column", "variable_column", "value_column", "variables", "times",
        "steps", "start", "end", "outlier_sigma", "scaling", "invalid",
    };
    public IModalityReader Create(ModalityContext context) => new TimeseriesReader(context);
}
