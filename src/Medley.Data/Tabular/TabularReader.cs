using System.Globalization;
using Medley.Data.Problems;
using Medley.Data.Readers;
using Medley.Data.Spec;
using Medley.Torch;

namespace Medley.Data.Tabular;

/// <summary>
/// Numeric and categorical manifest columns as one float32 feature vector per sample. A sample whose tabular cells
/// are all empty lacks the modality. Invalid numbers (NaN, Inf, text) are errors, or missing with `invalid: missing`.
/// </summary>
public sealed class TabularReader : IFittableReader, ISummarizingReader
{
    private readonly ModalityContext _context;
    private readonly string[] _numeric;
    private readonly string[] _categorical;
    private readonly bool _invalidIsMissing;
    private readonly double? _sigma;
    private readonly bool _scale;
    private readonly bool _indicator;
    private readonly Dictionary<string, IReadOnlyList<string>>? _declaredLevels;
    private TabularPreprocessor? _fitted;

    public TabularReader(ModalityContext context)
    {
        _context = context;
        var o = context.Options;
        _numeric = o.StringList("numeric").Select(c => context.CheckColumn("numeric", c)).ToArray();
        _categorical = o.StringList("categorical").Select(c => context.CheckColumn("categorical", c)).ToArray();
        if (_numeric.Length + _categorical.Length == 0)
            throw o.Error("numeric", "a tabular modality needs at least one column under 'numeric' or 'categorical'");
        foreach (var dup in _numeric.Concat(_categorical).GroupBy(c => c).Where(g => g.Count() > 1))
            throw o.Error("numeric", $"column '{dup.Key}' is listed twice");
        _invalidIsMissing = o.Choice("invalid", "error", "error", "missing") == "missing";
        _sigma = o.Has("outlier_sigma") ? o.Double("outlier_sigma") : 3.0;
        if (_sigma is <= 0) throw o.Error("outlier_sigma", "'outlier_sigma' must be positive (or none to keep outliers)");
        _scale = o.Choice("scaling", "minmax", "minmax", "none") == "minmax";
        _indicator = o.Bool("missing_indicator", false);
        if (o.Section("categories") is { } levels)
        {
            _declaredLevels = new();
            foreach (var key in levels.Keys)
            {
                if (!_categorical.Contains(key)) throw levels.Error(key, $"'{key}' is not one of the categorical columns ({string.Join(", ", _categorical)})");
                _declaredLevels[key] = levels.StringList(key);
            }
        }
    }

    public ModalitySpec Spec => _context.Modality;
    public long[]? ItemShape => _fitted == null ? null : new long[] { _fitted.FeatureCount };
    public bool IsFitted => _fitted != null;
    public TabularPreprocessor Preprocessor => _fitted ?? throw NotFitted();
    public IReadOnlyList<string> NumericColumns => _numeric;
    public IReadOnlyList<string> CategoricalColumns => _categorical;

    private InvalidOperationException NotFitted() =>
        new($"modality '{Spec.Name}': the tabular preprocessing is not fitted; fit the dataset on its training rows first");

    /// <summary>Parses a row's raw values: numbers (NaN = missing or invalid), categorical cells, presence and problems.</summary>
    private (double[] Numbers, string[] Categories, bool Present, List<DataProblem> Problems) Parse(SampleRow row)
    {
        var problems = new List<DataProblem>();
        var numbers = new double[_numeric.Length];
        var present = false;
        for (var c = 0; c < _numeric.Length; c++)
        {
            var cell = row.Cell(_numeric[c]);
            present |= cell.Length > 0;
            switch (NumericParser.Parse(cell, out numbers[c], out var reason))
            {
                case NumericParser.Outcome.Invalid when !_invalidIsMissing:
                    problems.Add(_context.RowError(row, _numeric[c], reason + " (set 'invalid: missing' to treat such values as missing)"));
                    break;
            }
        }
        var categories = _categorical.Select(row.Cell).ToArray();
        present |= categories.Any(c => c.Length > 0);
        return (numbers, categories, present, problems);
    }

    public ModalityValue Check(SampleRow row)
    {
        var (_, _, present, problems) = Parse(row);
        return present ? ModalityValue.PresentOnly(problems) : ModalityValue.Missing(problems);
    }

    public ModalityValue Read(SampleRow row)
    {
        var fitted = _fitted ?? throw NotFitted();
        var (numbers, categories, present, problems) = Parse(row);
        if (!present) return ModalityValue.Missing(problems);
        return ModalityValue.Of(Tensor.From(fitted.Apply(numbers, categories)), problems: problems);
    }

    public void Fit(IReadOnlyList<SampleRow> trainRows)
    {
        var numeric = _numeric.Select(_ => new List<double>()).ToList();
        var categorical = _categorical.Select(_ => new List<string>()).ToList();
        foreach (var row in trainRows)
        {
            var (numbers, categories, _, _) = Parse(row);
            for (var c = 0; c < numbers.Length; c++) if (!double.IsNaN(numbers[c])) numeric[c].Add(numbers[c]);
            for (var c = 0; c < categories.Length; c++) categorical[c].Add(categories[c]);
        }
        _fitted = TabularPreprocessor.Fit(_numeric, numeric, _categorical, categorical, _declaredLevels, _sigma, _scale, _indicator);
    }

    public string SaveState() => Preprocessor.ToJson();
    public void LoadState(string json) => _fitted = TabularPreprocessor.FromJson(json);

    public IEnumerable<string> Summarize(IReadOnlyList<SampleRow> rows)
    {
        foreach (var column in _numeric)
        {
            var values = new List<double>();
            foreach (var row in rows)
                if (NumericParser.Parse(row.Cell(column), out var v, out _) == NumericParser.Outcome.Value) values.Add(v);
            yield return values.Count == 0
                ? $"{column}: no values"
                : string.Create(CultureInfo.InvariantCulture,
                    $"{column}: {values.Count} values, range {values.Min():G6} .. {values.Max():G6}, mean {values.Average():G6}");
        }
        foreach (var column in _categorical)
        {
            var counts = rows.Select(r => r.Cell(column)).GroupBy(v => v.Length == 0 ? "(empty)" : v)
                .OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}");
            yield return $"{column}: {string.Join(", ", counts)}";
        }
    }
}

/// <summary>Makes <see cref="TabularReader"/>s.</summary>
public sealed class TabularReaderFactory : IModalityReaderFactory
{
    public ModalityKind Kind => ModalityKind.Tabular;
    public IReadOnlyList<string> OptionKeys { get; } =
        new[] { "numeric", "categorical", "categories", "invalid", "outlier_sigma", "scaling", "missing_indicator" };
    public IModalityReader Create(ModalityContext context) => new TabularReader(context);
}
