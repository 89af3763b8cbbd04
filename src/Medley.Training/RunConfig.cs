using System.Globalization;
using Medley.Models.Methods;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Medley.Training;

/// <summary>
/// A run's configuration as data: the method, its model keys ("model"), the training loop ("training"), the
/// evaluation ("evaluation") and which dataset modality feeds each model input ("inputs", e.g. image: xray).
/// Values stay strings (or lists) until bound, so a YAML file and <c>--set key=value</c> mean the same thing.
/// Model keys that come from the dataset (num_classes, lab_steps, ...) are filled in by <see cref="RunSetup"/>.
/// </summary>
public sealed class RunConfig
{
    public static readonly IReadOnlyList<string> Sections = new[] { "model", "training", "evaluation", "inputs" };

    public string? Method { get; set; }

    /// <summary>The dataset spec a resolved config was made for (written by runs, read by --resume/eval/predict).</summary>
    public string? Spec { get; set; }

    /// <summary>Name of the split a run used (informational).</summary>
    public string? Split { get; set; }

    /// <summary>The task and class names a run was trained on (written by runs).</summary>
    public string? Task { get; set; }
    public List<string>? Classes { get; set; }
    public Dictionary<string, object?> Model { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, object?> Training { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, object?> Evaluation { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, object?> Inputs { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, object?> Section(string name) => name switch
    {
        "model" => Model,
        "training" => Training,
        "evaluation" => Evaluation,
        "inputs" => Inputs,
        _ => throw new ArgumentException($"unknown config section '{name}' (sections: {string.Join(", ", Sections)})."),
    };

    /// <summary>Reads a YAML config file: top-level `method` plus the sections; anything else is an error naming the file.</summary>
    public static RunConfig Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"config file not found: {path}");
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(File.ReadAllText(path));
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{path}:{e.Start.Line}: not valid YAML: {e.Message}");
        }
        var config = new RunConfig();
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" }) return config;
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new InvalidDataException($"{path}: a config file is a mapping with 'method' and the sections {string.Join(", ", Sections)}.");
        foreach (var (keyNode, value) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            switch (key)
            {
                case "method": config.Method = (value as YamlScalarNode)?.Value; continue;
                case "spec": config.Spec = (value as YamlScalarNode)?.Value; continue;
                case "split": config.Split = (value as YamlScalarNode)?.Value; continue;
                case "task": config.Task = (value as YamlScalarNode)?.Value; continue;
                case "classes":
                    config.Classes = (value as YamlSequenceNode)?.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList();
                    continue;
            }
            if (!Sections.Contains(key))
                throw new InvalidDataException($"{path}:{keyNode.Start.Line}: unknown top-level key '{key}' (expected: method, {string.Join(", ", Sections)}).");
            if (value is YamlScalarNode { Value: null or "" or "~" or "null" }) continue;
            if (value is not YamlMappingNode section)
                throw new InvalidDataException($"{path}:{value.Start.Line}: '{key}' must be a mapping of key: value.");
            foreach (var (k, v) in section.Children)
                config.Section(key)[((YamlScalarNode)k).Value ?? ""] = Plain(v, path);
        }
        return config;
    }

    private static object? Plain(YamlNode node, string path) => node switch
    {
        YamlScalarNode s => s.Value is null or "~" or "null" ? null : s.Value,
        YamlSequenceNode seq => seq.Children.Select(c => Plain(c, path)).ToList(),
        _ => throw new InvalidDataException($"{path}:{node.Start.Line}: nested mappings are not config values."),
    };

    /// <summary>
    /// Applies <c>key=value</c> overrides. A key is "section.key" (model.dim, training.epochs) or a bare key, which
    /// must belong to exactly one of the method's model keys, the training keys or the evaluation keys.
    /// Unknown keys are an ArgumentException listing what exists.
    /// </summary>
    public void Apply(IEnumerable<string> assignments, IReadOnlyList<string> modelKeys)
    {
        var trainingKeys = ConfigBinder.Keys<TrainingOptions>();
        var evaluationKeys = ConfigBinder.Keys<EvaluationOptions>();
        foreach (var assignment in assignments)
        {
            var eq = assignment.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"--set expects key=value (e.g. training.epochs=5), got '{assignment}'.");
            var key = assignment[..eq].Trim();
            var value = ParseValue(assignment[(eq + 1)..].Trim());
            var dot = key.IndexOf('.');
            if (dot > 0)
            {
                var section = key[..dot];
                var name = key[(dot + 1)..];
                var valid = section switch
                {
                    "model" => modelKeys,
                    "training" => trainingKeys,
                    "evaluation" => evaluationKeys,
                    "inputs" => null,
                    _ => throw new ArgumentException($"--set {key}: unknown section '{section}' (sections: {string.Join(", ", Sections)})."),
                };
                if (valid != null && !valid.Contains(name))
                    throw new ArgumentException($"--set {key}: '{name}' is not a {section} key{Suggest(name, valid)}. Valid {section} keys: {string.Join(", ", valid)}.");
                Section(section)[name] = value;
                continue;
            }
            var owners = new List<string>();
            if (modelKeys.Contains(key)) owners.Add("model");
            if (trainingKeys.Contains(key)) owners.Add("training");
            if (evaluationKeys.Contains(key)) owners.Add("evaluation");
            if (owners.Count == 0)
            {
                var all = modelKeys.Concat(trainingKeys).Concat(evaluationKeys).ToList();
                throw new ArgumentException($"--set {key}: unknown config key{Suggest(key, all)}. Model keys: {string.Join(", ", modelKeys)}; training keys: {string.Join(", ", trainingKeys)}; evaluation keys: {string.Join(", ", evaluationKeys)}.");
            }
            if (owners.Count > 1)
                throw new ArgumentException($"--set {key}: the key exists in {string.Join(" and ", owners)}; write {owners[0]}.{key}=... to say which.");
            Section(owners[0])[key] = value;
        }
    }

    /// <summary>"[1, 2]" becomes a list, anything else stays a string (the binders parse it).</summary>
    private static object? ParseValue(string text)
    {
        if (text is "null" or "~") return null;
        if (text.StartsWith('[') && text.EndsWith(']'))
            return text[1..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Cast<object?>().ToList();
        return text;
    }

    private static string Suggest(string key, IEnumerable<string> valid)
    {
        var best = valid.Select(v => (v, d: Levenshtein(v, key))).OrderBy(x => x.d).FirstOrDefault();
        return best.v != null && best.d <= 3 ? $" (did you mean '{best.v}'?)" : "";
    }

    private static int Levenshtein(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }

    public RunConfig Clone()
    {
        var copy = new RunConfig { Method = Method, Spec = Spec, Split = Split, Task = Task, Classes = Classes?.ToList() };
        foreach (var s in Sections)
            foreach (var (k, v) in Section(s)) copy.Section(s)[k] = v;
        return copy;
    }

    /// <summary>The config as YAML (what lands in a run directory's config.yaml).</summary>
    public string ToYaml()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("# Resolved configuration of this run (medley). Re-run with: medley train --config config.yaml\n");
        if (Spec != null) sb.Append("spec: ").Append(Yaml(Spec)).Append('\n');
        if (Method != null) sb.Append("method: ").Append(Yaml(Method)).Append('\n');
        if (Split != null) sb.Append("split: ").Append(Yaml(Split)).Append('\n');
        if (Task != null) sb.Append("task: ").Append(Yaml(Task)).Append('\n');
        if (Classes != null) sb.Append("classes: ").Append(Yaml(Classes)).Append('\n');
        foreach (var section in Sections)
        {
            var values = Section(section);
            if (values.Count == 0) continue;
            sb.Append(section).Append(":\n");
            foreach (var (k, v) in values) sb.Append("  ").Append(k).Append(": ").Append(Yaml(v)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Formats a value as YAML (invariant culture; lists in flow style).</summary>
    internal static string Yaml(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => s.Length == 0 || s.IndexOfAny(":#{}[],&*?|<>=!%@`'\"".ToCharArray()) >= 0 || s != s.Trim() ? "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"" : s,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Yaml)) + "]",
        _ => value.ToString() ?? "null",
    };
}
