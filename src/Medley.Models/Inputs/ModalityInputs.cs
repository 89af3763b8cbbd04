using Medley.Torch;

namespace Medley.Models.Inputs;

/// <summary>
/// How a fusion model finds a modality in its input dictionary: the tensor under the modality's name ([B, ...],
/// zeros where absent), its presence under "name.present" (bool [B]) and its per-element mask under "name.mask"
/// (text attention, [B, L]). A modality none of the batch has may be left out entirely; it then reads as zeros and
/// absent.
/// </summary>
public static class ModalityInputs
{
    public static string PresentKey(string modality) => modality + ".present";
    public static string MaskKey(string modality) => modality + ".mask";

    /// <summary>Batch size of an input dictionary (from any tensor in it).</summary>
    public static long BatchSize(IReadOnlyDictionary<string, Tensor> inputs) =>
        inputs.Count > 0 ? inputs.Values.First().Size(0) : throw new ArgumentException("the model got no inputs at all.");

    /// <summary>The modality's tensor, or zeros of its shape when the batch has none of it.</summary>
    public static Tensor Value(IReadOnlyDictionary<string, Tensor> inputs, ModalityDescriptor modality, long batch)
    {
        if (!inputs.TryGetValue(modality.Name, out var t))
            return Tensor.Zeros(new[] { batch }.Concat(modality.Shape).ToArray(), modality.Kind == "text" ? DType.Int64 : DType.Float32);
        var expected = modality.Shape;
        var actual = t.Shape.Skip(1).ToArray();
        // A tabular vector may arrive as a one-step series [B, 1, F] (the lab binding); both are the same values.
        if (!actual.SequenceEqual(expected) && !(t.NumEl == batch * expected.Aggregate(1L, (a, b) => a * b)))
            throw new ArgumentException($"modality '{modality.Name}': the model was built for samples of shape [{string.Join(", ", expected)}] but got [{string.Join(", ", actual)}].");
        return actual.SequenceEqual(expected) ? t : t.Reshape(new[] { batch }.Concat(expected).ToArray());
    }

    /// <summary>bool [B]: which samples have the modality (all, when the dictionary carries no presence mask).</summary>
    public static Tensor Present(IReadOnlyDictionary<string, Tensor> inputs, string modality, long batch)
    {
        if (inputs.TryGetValue(PresentKey(modality), out var p)) return p;
        return inputs.ContainsKey(modality) ? Tensor.Ones(new[] { batch }, DType.Bool) : Tensor.Zeros(new[] { batch }, DType.Bool);
    }

    /// <summary>The per-element mask of a modality, if the batch has one.</summary>
    public static Tensor? Mask(IReadOnlyDictionary<string, Tensor> inputs, string modality) =>
        inputs.TryGetValue(MaskKey(modality), out var m) ? m : null;
}
