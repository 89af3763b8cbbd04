using Medley.Data.Batching;
using Medley.Data.Datasets;
using Medley.Data.Spec;
using Medley.Models.Inputs;
using Medley.Torch;

namespace Medley.Training;

/// <summary>
/// Which dataset modality feeds each model input ("image", "labs", ...), and how its batch tensor is shaped for the
/// model: a tabular vector [B, F] becomes a one-step series [B, 1, F] for a lab input. Chosen from the config's
/// `inputs` section, else a modality with the input's name, else the one modality of the fitting kind.
/// </summary>
public sealed class InputBinding
{
    /// <summary>Model input name → dataset modality name.</summary>
    public IReadOnlyDictionary<string, string> Map { get; }
    private readonly IReadOnlyDictionary<string, ModalityKind> _kinds;

    public InputBinding(IReadOnlyDictionary<string, string> map, IReadOnlyDictionary<string, ModalityKind> kinds)
    {
        Map = map;
        _kinds = kinds;
    }

    /// <summary>Model inputs a dataset modality kind can feed, in order of preference.</summary>
    private static readonly (string Input, ModalityKind[] Kinds)[] Roles =
    {
        ("image", new[] { ModalityKind.Image, ModalityKind.Embedding }),
        ("labs", new[] { ModalityKind.Timeseries, ModalityKind.Tabular }),
    };

    /// <summary>Binds what it can; explicit entries in <paramref name="explicitMap"/> must name modalities of the spec.</summary>
    public static InputBinding Resolve(DatasetSpec spec, IReadOnlyDictionary<string, object?> explicitMap)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var byName = spec.Modalities.ToDictionary(m => m.Name, m => m.Kind, StringComparer.Ordinal);
        foreach (var (input, value) in explicitMap)
        {
            var name = value?.ToString() ?? "";
            if (!byName.ContainsKey(name))
                throw new ArgumentException($"inputs.{input}: the dataset spec {spec.SpecPath} has no modality '{name}' (modalities: {string.Join(", ", byName.Keys)}).");
            map[input] = name;
        }
        foreach (var (input, kinds) in Roles)
        {
            if (map.ContainsKey(input)) continue;
            if (byName.ContainsKey(input) && kinds.Contains(byName[input])) { map[input] = input; continue; }
            foreach (var kind in kinds)
            {
                var candidates = spec.Modalities.Where(m => m.Kind == kind && !map.ContainsValue(m.Name)).ToList();
                if (candidates.Count == 1) { map[input] = candidates[0].Name; break; }
            }
        }
        // Fusion methods over any number of modalities read each one under its own dataset name.
        foreach (var m in spec.Modalities) map.TryAdd(m.Name, m.Name);
        return new InputBinding(map, map.ToDictionary(kv => kv.Key, kv => byName[kv.Value]));
    }

    /// <summary>Checks the model's inputs are all bound; the message says how to fix the spec or config.</summary>
    public void Require(IEnumerable<string> modelInputs, string method, DatasetSpec spec)
    {
        var missing = modelInputs.Where(i => !Map.ContainsKey(i)).ToList();
        if (missing.Count > 0)
            throw new ArgumentException(
                $"method '{method}' needs the inputs [{string.Join(", ", missing)}] but the dataset spec {Path.GetFileName(spec.SpecPath)} has no modality to feed them " +
                $"(modalities: {string.Join(", ", spec.Modalities.Select(m => $"{m.Name} ({m.Kind.Name()})"))}); add one, or map it with --set inputs.{missing[0]}=<modality>.");
    }

    /// <summary>
    /// The model's input dictionary for a batch (tensors join the current scope or are the batch's own): each bound
    /// input's tensor, its presence under "input.present" and its element mask under "input.mask" (see ModalityInputs).
    /// </summary>
    public Dictionary<string, Tensor> Inputs(ModalityBatch batch)
    {
        var inputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (input, modality) in Map)
        {
            if (batch.Present.TryGetValue(modality, out var present)) inputs[ModalityInputs.PresentKey(input)] = present;
            if (batch.Masks.TryGetValue(modality, out var mask)) inputs[ModalityInputs.MaskKey(input)] = mask;
            if (!batch.Inputs.TryGetValue(modality, out var t)) continue;
            inputs[input] = Shape(input, t);
        }
        return inputs;
    }

    private Tensor Shape(string input, Tensor t) =>
        input == "labs" && _kinds[input] == ModalityKind.Tabular && t.Dim == 2 ? t.Reshape(t.Size(0), 1, t.Size(1)) : t;

    /// <summary>Model config keys derived from the data: image size/channels and lab steps/variables from one batch.</summary>
    public Dictionary<string, object?> DerivedKeys(ModalityBatch sample)
    {
        var keys = new Dictionary<string, object?>(StringComparer.Ordinal);
        var inputs = Inputs(sample);
        if (inputs.TryGetValue("image", out var image) && image.Dim == 4)
        {
            keys["in_channels"] = (int)image.Size(1);
            keys["image_size"] = (int)image.Size(2);
            if (image.Size(2) != image.Size(3))
                throw new ArgumentException($"modality '{Map["image"]}': images are {image.Size(2)}×{image.Size(3)}; the image models need square images (set the reader's size).");
        }
        if (inputs.TryGetValue("labs", out var labs) && labs.Dim == 3)
        {
            keys["lab_steps"] = (int)labs.Size(1);
            keys["lab_variables"] = (int)labs.Size(2);
        }
        return keys;
    }

    public static InputBinding FromMap(IReadOnlyDictionary<string, string> map, DatasetSpec spec)
    {
        var byName = spec.Modalities.ToDictionary(m => m.Name, m => m.Kind, StringComparer.Ordinal);
        foreach (var (input, name) in map)
            if (!byName.ContainsKey(name))
                throw new ArgumentException($"inputs.{input}: the dataset spec {spec.SpecPath} has no modality '{name}'.");
        return new InputBinding(map, map.ToDictionary(kv => kv.Key, kv => byName[kv.Value]));
    }

    /// <summary>Open readers must exist for bound modalities (e.g. an image decoder).</summary>
    public void CheckReaders(MultimodalDataset dataset)
    {
        foreach (var modality in Map.Values) _ = dataset.Reader(modality);
    }
}
