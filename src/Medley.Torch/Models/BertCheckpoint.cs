using System.Text.Json;
using System.Text.RegularExpressions;
using Medley.Torch.NN;
using Medley.Torch.Serialization;

namespace Medley.Torch.Models;

/// <summary>
/// Builds a <see cref="BertModel"/> from a Hugging Face BERT checkpoint saved as safetensors (model.safetensors of
/// BertModel, or of a task model whose encoder sits under "bert."). The sizes are read from the tensor shapes; the
/// head count and layer-norm epsilon, which shapes do not show, come from a config.json beside the file when there
/// is one, else from the caller, else hidden / 64 heads (every published BERT uses 64-wide heads) and 1e-12.
/// Task heads (cls.*, classifier.*) and the position_ids buffer are ignored; everything else loads strictly.
/// </summary>
public static partial class BertCheckpoint
{
    private const string WordEmbeddings = "embeddings.word_embeddings.weight";

    [GeneratedRegex(@"^encoder\.layer\.(\d+)\.")]
    private static partial Regex LayerIndex();

    /// <summary>The checkpoint's config (no weights read). <paramref name="heads"/> overrides config.json.</summary>
    public static BertConfig ReadConfig(string path, int? heads = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"BERT checkpoint not found: {path}", path);
        Dictionary<string, (DType DType, long[] Shape)> header;
        try
        {
            header = SafeTensors.ReadHeader(path);
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException($"{path} is not a readable safetensors file: {e.Message}", e);
        }
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var (name, entry) in header)
            if (Rename(name) is string n) shapes[n] = entry.Shape;

        long[] Shape(string key, int rank) =>
            shapes.TryGetValue(key, out var s) && s.Length == rank ? s
                : throw new ArgumentException($"{path} is not a Hugging Face BERT checkpoint: it has no {rank}-d tensor '{key}' (with or without a 'bert.' prefix; it has {header.Count} tensors, e.g. {string.Join(", ", header.Keys.Take(5))}).");

        var words = Shape(WordEmbeddings, 2);
        var hidden = (int)words[1];
        var layers = shapes.Keys.Select(k => LayerIndex().Match(k)).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(-1).Max() + 1;
        if (layers == 0) throw new ArgumentException($"{path} is not a Hugging Face BERT checkpoint: it has no encoder.layer.N tensors.");

        var (jsonHeads, eps) = ReadConfigJson(path);
        var h = heads ?? jsonHeads ?? (hidden % 64 == 0 ? hidden / 64
            : throw new ArgumentException($"{path}: hidden size {hidden} is not a multiple of 64, so the head count cannot be inferred; put a config.json (num_attention_heads) beside it or set the head count."));
        return new BertConfig
        {
            VocabSize = (int)words[0],
            Hidden = hidden,
            Layers = layers,
            Heads = h,
            Intermediate = (int)Shape("encoder.layer.0.intermediate.dense.weight", 2)[0],
            MaxPositions = (int)Shape("embeddings.position_embeddings.weight", 2)[0],
            TypeVocab = (int)Shape("embeddings.token_type_embeddings.weight", 2)[0],
            LayerNormEps = eps ?? 1e-12,
            AddPooler = shapes.ContainsKey("pooler.dense.weight"),
        };
    }

    /// <summary>A BERT with the checkpoint's weights (eval mode). <paramref name="addPooler"/> false drops the pooler.</summary>
    public static BertModel Load(string path, int? heads = null, bool addPooler = true)
    {
        var config = ReadConfig(path, heads);
        config = config with { AddPooler = config.AddPooler && addPooler };
        var model = new BertModel(config);
        try
        {
            using var scope = DisposeScope.Enter();
            var weights = SafeTensors.Load(path, name => Rename(name) is string n && (addPooler || !n.StartsWith("pooler.", StringComparison.Ordinal)) ? n : null);
            model.LoadStateDict(weights, strict: true);
        }
        catch (StateDictException e)
        {
            model.Dispose();
            throw new ArgumentException($"{path} does not fit a BERT of its own shape ({config.Layers} layers, hidden {config.Hidden}): {e.Message}", e);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.Eval();
        return model;
    }

    /// <summary>Hugging Face's stored name → BertModel's name, or null for entries a BertModel does not hold.</summary>
    private static string? Rename(string name)
    {
        if (name.StartsWith("bert.", StringComparison.Ordinal)) name = name["bert.".Length..];
        if (name == "embeddings.position_ids") return null;
        return name.StartsWith("embeddings.", StringComparison.Ordinal) || name.StartsWith("encoder.", StringComparison.Ordinal)
            || name.StartsWith("pooler.", StringComparison.Ordinal) ? name : null;
    }

    private static (int? Heads, double? Eps) ReadConfigJson(string path)
    {
        var json = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "config.json");
        if (!File.Exists(json)) return (null, null);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            var root = doc.RootElement;
            int? heads = root.TryGetProperty("num_attention_heads", out var h) && h.ValueKind == JsonValueKind.Number ? h.GetInt32() : null;
            double? eps = root.TryGetProperty("layer_norm_eps", out var e) && e.ValueKind == JsonValueKind.Number ? e.GetDouble() : null;
            if (root.TryGetProperty("hidden_act", out var act) && act.GetString() is string a && a != "gelu")
                throw new ArgumentException($"{json}: hidden_act '{a}' is not supported (Medley's BERT uses the exact erf GELU, 'gelu').");
            return (heads, eps);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{json} (beside the BERT checkpoint) is not valid JSON: {e.Message}", e);
        }
    }
}
