using Medley.Data.Problems;
using Medley.Data.Readers;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Medley.Data.Spec;

/// <summary>Parses a dataset spec YAML file, checking every key and reporting all problems at once.</summary>
public static class SpecLoader
{
    public static readonly IReadOnlyList<string> TopKeys = new[] { "name", "description", "manifest", "sample_id", "group_id", "label", "exclude", "modalities" };
    public static readonly IReadOnlyList<string> LabelKeys = new[] { "task", "column", "columns", "classes" };
    private static readonly string[] ModalityCommonKeys = { "name", "kind" };

    public static DatasetSpec Load(string path)
    {
        if (!File.Exists(path)) throw new DataException(DataProblem.Error(path, null, null, "spec file not found"));
        return Parse(File.ReadAllText(path), path);
    }

    public static DatasetSpec Parse(string yaml, string path)
    {
        var problems = new ProblemList();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new DataException(DataProblem.Error(path, (int)e.Start.Line, null, $"invalid YAML: {e.InnerException?.Message ?? e.Message}"));
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new DataException(DataProblem.Error(path, 1, null, "the spec must be a YAML mapping (key: value lines)"));

        var top = ToOptions(root, path, "spec", problems);
        CheckKeys(top, TopKeys, "spec", problems);

        string Required(string key)
        {
            try
            {
                if (top.String(key) is { Length: > 0 } s) return s;
                problems.Error(path, top.Line, key, $"spec: '{key}' is required");
            }
            catch (DataException e) { problems.AddRange(e.Problems); }
            return "";
        }

        var manifest = Required("manifest");
        var sampleId = Required("sample_id");
        string groupId = sampleId;
        IReadOnlyList<string> exclude = Array.Empty<string>();
        string? name = null;
        Collect(problems, () =>
        {
            groupId = top.String("group_id") ?? sampleId;
            exclude = top.StringList("exclude");
            name = top.String("name");
        });
        var label = ParseLabel(top, path, problems);
        var modalities = ParseModalities(top, path, problems);

        var ids = new[] { ("sample_id", sampleId), ("group_id", groupId) };
        foreach (var (key, column) in ids)
            if (exclude.Contains(column)) problems.Error(path, top.LineOf("exclude"), "exclude", $"spec: the {key} column '{column}' cannot be excluded");
        if (label != null)
            foreach (var c in label.Columns.Where(exclude.Contains))
                problems.Error(path, top.LineOf("exclude"), "exclude", $"spec: the label column '{c}' cannot be excluded");

        problems.ThrowIfErrors();
        var manifestPath = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", manifest));
        return new DatasetSpec(path, name, manifestPath, sampleId, groupId, label!, exclude, modalities);
    }

    private static LabelSpec? ParseLabel(SpecOptions top, string path, ProblemList problems)
    {
        SpecOptions? section = null;
        Collect(problems, () => section = top.Section("label"));
        if (section == null)
        {
            if (!top.Has("label")) problems.Error(path, top.Line, "label", "spec: 'label' is required (task and column/columns)");
            return null;
        }
        CheckKeys(section, LabelKeys, "label", problems);
        LabelSpec? result = null;
        Collect(problems, () =>
        {
            var taskText = section.RequiredString("task");
            if (!KindNames.TryParseTask(taskText, out var task))
                throw section.Error("task", $"unknown task '{taskText}'; valid tasks: {string.Join(", ", KindNames.Tasks)}");
            var classes = section.Has("classes") ? section.StringList("classes") : null;
            IReadOnlyList<string> columns;
            if (task == TaskKind.Multilabel)
            {
                if (section.Has("column")) throw section.Error("column", "a multilabel task lists its 0/1 columns under 'columns' (one per class)");
                columns = section.StringList("columns");
                if (columns.Count < 2) throw section.Error("columns", "a multilabel task needs at least two label columns under 'columns'");
                if (classes != null) throw section.Error("classes", "a multilabel task takes its class names from 'columns'; remove 'classes'");
            }
            else
            {
                if (section.Has("columns")) throw section.Error("columns", $"a {task.Name()} task has one label column: use 'column'");
                columns = new[] { section.RequiredString("column") };
                if (classes != null)
                {
                    if (classes.Count != classes.Distinct().Count()) throw section.Error("classes", "'classes' lists a class twice");
                    if (task == TaskKind.Binary && classes.Count != 2)
                        throw section.Error("classes", $"a binary task has exactly two classes (negative, positive), not {classes.Count}");
                    if (task == TaskKind.Multiclass && classes.Count < 2)
                        throw section.Error("classes", "a multiclass task needs at least two classes");
                }
            }
            result = new LabelSpec(task, columns, classes, section.Line);
        });
        return result;
    }

    private static List<ModalitySpec> ParseModalities(SpecOptions top, string path, ProblemList problems)
    {
        var result = new List<ModalitySpec>();
        if (!top.Has("modalities"))
        {
            problems.Error(path, top.Line, "modalities", "spec: 'modalities' is required (a list of name/kind entries)");
            return result;
        }
        if (top.Raw("modalities") is not List<object> items)
        {
            problems.Error(path, top.LineOf("modalities"), "modalities", "spec: 'modalities' must be a list of entries, each with name and kind");
            return result;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not SpecOptions entry)
            {
                problems.Error(path, top.LineOf("modalities"), "modalities", $"spec: modality #{i + 1} must be a mapping with name and kind");
                continue;
            }
            Collect(problems, () =>
            {
                var name = entry.RequiredString("name");
                var kindText = entry.RequiredString("kind");
                if (!KindNames.TryParseModality(kindText, out var kind))
                    throw entry.Error("kind", $"modality '{name}' has unknown kind '{kindText}'; valid kinds: {string.Join(", ", KindNames.Modalities)}");
                if (!names.Add(name)) throw entry.Error("name", $"two modalities are named '{name}'");
                var context = $"modality '{name}' ({kind.Name()})";
                var options = new SpecOptions(path, context, entry.Line,
                    entry.Keys.Where(k => !ModalityCommonKeys.Contains(k)).ToDictionary(k => k, k => (entry.Raw(k)!, entry.LineOf(k))));
                var factory = ModalityReaders.Find(kind);
                if (factory != null) CheckKeys(options, factory.OptionKeys, context, problems);
                result.Add(new ModalitySpec(name, kind, options, entry.Line));
            });
        }
        if (items.Count == 0) problems.Error(path, top.LineOf("modalities"), "modalities", "spec: 'modalities' is empty; list at least one");
        return result;
    }

    private static void CheckKeys(SpecOptions section, IReadOnlyList<string> valid, string context, ProblemList problems)
    {
        foreach (var key in section.Keys.Where(k => !valid.Contains(k)))
            problems.Error(section.SpecPath, section.LineOf(key), key, $"{context}: unknown key '{key}'; valid keys: {string.Join(", ", valid)}");
    }

    private static void Collect(ProblemList problems, Action body)
    {
        try { body(); }
        catch (DataException e) { problems.AddRange(e.Problems); }
    }

    private static SpecOptions ToOptions(YamlMappingNode node, string path, string context, ProblemList problems)
    {
        var values = new Dictionary<string, (object, int)>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in node.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            var line = (int)keyNode.Start.Line;
            if (!values.TryAdd(key, (ToValue(valueNode, path, $"{context}.{key}", problems), line)))
                problems.Error(path, line, key, $"{context}: key '{key}' appears twice");
        }
        return new SpecOptions(path, context, (int)node.Start.Line, values);
    }

    private static object ToValue(YamlNode node, string path, string context, ProblemList problems) => node switch
    {
        YamlScalarNode s => s.Value ?? "",
        YamlSequenceNode seq => seq.Children.Select(c => ToValue(c, path, context, problems)).ToList(),
        YamlMappingNode m => ToOptions(m, path, context, problems),
        _ => "",
    };
}
