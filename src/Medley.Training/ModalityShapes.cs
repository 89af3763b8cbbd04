using Medley.Data.Batching;
using Medley.Data.Datasets;
using Medley.Data.Spec;
using Medley.Data.Text;
using Medley.Models.Inputs;

namespace Medley.Training;

/// <summary>The "modality_shapes" config value of fusion methods, derived from the dataset: every modality's kind,
/// sample shape (the reader's fixed shape, else a present sample's) and, for text, the vocabulary size.</summary>
public static class ModalityShapes
{
    public static string Derive(MultimodalDataset dataset, ModalityBatch sample)
    {
        var list = new List<ModalityDescriptor>();
        foreach (var m in dataset.Spec.Modalities)
        {
            var reader = dataset.Reader(m.Name);
            var shape = reader.ItemShape
                ?? (sample.Inputs.TryGetValue(m.Name, out var t) ? t.Shape.Skip(1).ToArray() : null)
                ?? FirstPresentShape(dataset, m.Name)
                ?? throw new ArgumentException($"modality '{m.Name}': no sample has it, so its shape is unknown; remove it from the spec or fix its column.");
            var vocab = reader is TextModalityReader text ? text.Tokenizer.VocabSize : 0;
            list.Add(new ModalityDescriptor(m.Name, m.Kind.Name(), shape, vocab));
        }
        return ModalityDescriptor.Format(list);
    }

    /// <summary>Shape of the first sample that has the modality (the one-row sample batch may lack it).</summary>
    private static long[]? FirstPresentShape(MultimodalDataset dataset, string modality)
    {
        var reader = dataset.Reader(modality);
        for (var row = 0; row < dataset.Count; row++)
        {
            using var value = reader.Read(dataset.Row(row));
            if (value.Present && value.Value != null) return value.Value.Shape;
        }
        return null;
    }
}
