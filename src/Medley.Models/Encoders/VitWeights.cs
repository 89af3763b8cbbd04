using System.Text.RegularExpressions;
using Medley.Torch;
using Medley.Torch.Models;
using Medley.Torch.Serialization;

namespace Medley.Models.Encoders;

/// <summary>The naming a ViT checkpoint uses.</summary>
public enum VitNaming { Torchvision, HuggingFace, Timm }

/// <summary>
/// Loads ViT weights saved as safetensors in torchvision, Hugging Face (google/vit-base-patch16-224:
/// "vit.embeddings…", "vit.encoder.layer.N…") or timm ("blocks.N.attn.qkv…") naming into
/// <see cref="VisionTransformer"/> (torchvision names). Hugging Face keeps query/key/value as three Linear layers;
/// they are concatenated into in_proj_weight/in_proj_bias. Pooler and classifier weights that the model has no
/// place for are dropped. Note: Hugging Face's ViT uses LayerNorm eps 1e-12, torchvision's 1e-6 (differences
/// are far below float32 noise for real activations).
/// </summary>
public static partial class VitWeights
{
    /// <summary>Guesses the naming from the tensor names.</summary>
    public static VitNaming DetectNaming(IEnumerable<string> names)
    {
        var list = names.ToList();
        if (list.Any(n => n.Contains("encoder.layers.encoder_layer_"))) return VitNaming.Torchvision;
        if (list.Any(n => n.Contains("embeddings.patch_embeddings") || n.Contains("encoder.layer."))) return VitNaming.HuggingFace;
        if (list.Any(n => n.StartsWith("blocks.", StringComparison.Ordinal) || n == "patch_embed.proj.weight")) return VitNaming.Timm;
        throw new InvalidDataException(
            $"cannot tell the naming of this ViT checkpoint (first names: {string.Join(", ", list.Take(5))}); expected torchvision (encoder.layers.encoder_layer_N), Hugging Face (vit.encoder.layer.N) or timm (blocks.N) names.");
    }

    /// <summary>Reads a safetensors file and returns its tensors in torchvision naming (the caller owns them).</summary>
    public static Dictionary<string, Tensor> Load(string path, VitNaming? naming = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ViT weights not found: {path} (pretrained_vit should name a .safetensors file).", path);
        var detected = naming ?? DetectNaming(SafeTensors.ReadHeader(path).Keys);
        return detected switch
        {
            VitNaming.Torchvision => SafeTensors.Load(path),
            VitNaming.Timm => SafeTensors.Load(path, TimmToTorchvision),
            _ => MergeQkv(SafeTensors.Load(path, HuggingFaceToTorchvision)),
        };
    }

    /// <summary>
    /// Loads a checkpoint into <paramref name="vit"/>: every encoder weight must be present and fit; the head is
    /// loaded only when the model has one of the same shape.
    /// </summary>
    public static void LoadInto(VisionTransformer vit, string path, VitNaming? naming = null)
    {
        var tensors = Load(path, naming);
        try
        {
            var own = vit.StateDict();
            var wanted = tensors.Where(kv => own.ContainsKey(kv.Key) || !kv.Key.StartsWith("heads.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key, kv => kv.Value);
            var hasHead = own.Keys.Any(k => k.StartsWith("heads.", StringComparison.Ordinal));
            var headFits = hasHead && own.Where(kv => kv.Key.StartsWith("heads.", StringComparison.Ordinal))
                .All(kv => wanted.TryGetValue(kv.Key, out var t) && t.Shape.SequenceEqual(kv.Value.Shape));
            foreach (var t in own.Values) t.Dispose();
            if (hasHead && !headFits)
            {
                // A new task: keep the model's own (zero-initialised) head, load the backbone.
                foreach (var k in wanted.Keys.Where(k => k.StartsWith("heads.", StringComparison.Ordinal)).ToList()) wanted.Remove(k);
                var result = vit.LoadStateDict(wanted, strict: false);
                var missing = result.MissingKeys.Where(k => !k.StartsWith("heads.", StringComparison.Ordinal)).ToList();
                if (missing.Count > 0 || result.UnexpectedKeys.Count > 0)
                    throw new InvalidDataException($"{path}: the ViT checkpoint does not match the configured ViT: missing [{string.Join(", ", missing.Take(10))}], unexpected [{string.Join(", ", result.UnexpectedKeys.Take(10))}].");
            }
            else
            {
                try
                {
                    vit.LoadStateDict(wanted);
                }
                catch (Medley.Torch.NN.StateDictException e)
                {
                    throw new InvalidDataException($"{path}: the ViT checkpoint does not match the configured ViT (image size, patch size, depth, width). {e.Message}", e);
                }
            }
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    // ---- timm -----------------------------------------------------------------------------------------------

    [GeneratedRegex(@"^blocks\.(\d+)\.(.+)$")]
    private static partial Regex TimmBlock();

    /// <summary>timm name → torchvision name (null: not part of the model).</summary>
    public static string? TimmToTorchvision(string name)
    {
        switch (name)
        {
            case "cls_token": return "class_token";
            case "pos_embed": return "encoder.pos_embedding";
            case "patch_embed.proj.weight": return "conv_proj.weight";
            case "patch_embed.proj.bias": return "conv_proj.bias";
            case "norm.weight": return "encoder.ln.weight";
            case "norm.bias": return "encoder.ln.bias";
            case "head.weight": return "heads.head.weight";
            case "head.bias": return "heads.head.bias";
        }
        var m = TimmBlock().Match(name);
        if (!m.Success) return null; // fc_norm, pre_logits, dist tokens…: nothing in torchvision's ViT
        var prefix = $"encoder.layers.encoder_layer_{m.Groups[1].Value}.";
        var rest = m.Groups[2].Value;
        string? mapped = rest switch
        {
            "norm1.weight" => "ln_1.weight",
            "norm1.bias" => "ln_1.bias",
            "attn.qkv.weight" => "self_attention.in_proj_weight",
            "attn.qkv.bias" => "self_attention.in_proj_bias",
            "attn.proj.weight" => "self_attention.out_proj.weight",
            "attn.proj.bias" => "self_attention.out_proj.bias",
            "norm2.weight" => "ln_2.weight",
            "norm2.bias" => "ln_2.bias",
            "mlp.fc1.weight" => "mlp.0.weight",
            "mlp.fc1.bias" => "mlp.0.bias",
            "mlp.fc2.weight" => "mlp.3.weight",
            "mlp.fc2.bias" => "mlp.3.bias",
            _ => null,
        };
        return mapped == null ? null : prefix + mapped;
    }

    // ---- Hugging Face ---------------------------------------------------------------------------------------

    [GeneratedRegex(@"^encoder\.layer\.(\d+)\.(.+)$")]
    private static partial Regex HfLayer();

    private const string QkvMarker = ".__qkv__.";

    /// <summary>
    /// Hugging Face name → torchvision name (null: dropped). Query/key/value weights map to temporary names
    /// "….self_attention.__qkv__.{query|key|value}.{weight|bias}" that <see cref="MergeQkv"/> concatenates.
    /// </summary>
    public static string? HuggingFaceToTorchvision(string name)
    {
        if (name.StartsWith("classifier.", StringComparison.Ordinal)) return "heads.head." + name["classifier.".Length..];
        var n = name.StartsWith("vit.", StringComparison.Ordinal) ? name[4..] : name;
        switch (n)
        {
            case "embeddings.cls_token": return "class_token";
            case "embeddings.position_embeddings": return "encoder.pos_embedding";
            case "embeddings.patch_embeddings.projection.weight": return "conv_proj.weight";
            case "embeddings.patch_embeddings.projection.bias": return "conv_proj.bias";
            case "layernorm.weight": return "encoder.ln.weight";
            case "layernorm.bias": return "encoder.ln.bias";
        }
        var m = HfLayer().Match(n);
        if (!m.Success) return null; // pooler.*: not part of torchvision's ViT
        var prefix = $"encoder.layers.encoder_layer_{m.Groups[1].Value}.";
        var rest = m.Groups[2].Value;
        foreach (var part in new[] { "query", "key", "value" })
            if (rest.StartsWith($"attention.attention.{part}.", StringComparison.Ordinal))
                return prefix + "self_attention" + QkvMarker + part + "." + rest[$"attention.attention.{part}.".Length..];
        string? mapped = rest switch
        {
            "layernorm_before.weight" => "ln_1.weight",
            "layernorm_before.bias" => "ln_1.bias",
            "attention.output.dense.weight" => "self_attention.out_proj.weight",
            "attention.output.dense.bias" => "self_attention.out_proj.bias",
            "layernorm_after.weight" => "ln_2.weight",
            "layernorm_after.bias" => "ln_2.bias",
            "intermediate.dense.weight" => "mlp.0.weight",
            "intermediate.dense.bias" => "mlp.0.bias",
            "output.dense.weight" => "mlp.3.weight",
            "output.dense.bias" => "mlp.3.bias",
            _ => null,
        };
        return mapped == null ? null : prefix + mapped;
    }

    /// <summary>Concatenates the separate query/key/value tensors into in_proj_weight / in_proj_bias.</summary>
    private static Dictionary<string, Tensor> MergeQkv(Dictionary<string, Tensor> tensors)
    {
        var result = new Dictionary<string, Tensor>();
        var groups = new Dictionary<string, Dictionary<string, Tensor>>();
        foreach (var (name, t) in tensors)
        {
            var at = name.IndexOf(QkvMarker, StringComparison.Ordinal);
            if (at < 0)
            {
                result[name] = t;
                continue;
            }
            var rest = name[(at + QkvMarker.Length)..];   // "query.weight"
            var dot = rest.IndexOf('.');
            var key = name[..at] + ".in_proj_" + rest[(dot + 1)..];
            if (!groups.TryGetValue(key, out var parts)) groups[key] = parts = new Dictionary<string, Tensor>();
            parts[rest[..dot]] = t;
        }
        foreach (var (key, parts) in groups)
        {
            if (!parts.ContainsKey("query") || !parts.ContainsKey("key") || !parts.ContainsKey("value"))
            {
                foreach (var t in result.Values.Concat(groups.Values.SelectMany(g => g.Values))) t.Dispose();
                throw new InvalidDataException($"Hugging Face ViT checkpoint: {key} needs query, key and value tensors, found only [{string.Join(", ", parts.Keys)}].");
            }
            var merged = Tensor.Cat(new[] { parts["query"], parts["key"], parts["value"] }, 0).DetachFromScope();
            foreach (var t in parts.Values) t.Dispose();
            result[key] = merged;
        }
        return result;
    }
}
