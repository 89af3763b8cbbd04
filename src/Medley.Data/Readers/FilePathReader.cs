using Medley.Data.Problems;
using Medley.Data.Spec;

namespace Medley.Data.Readers;

/// <summary>
/// Stand-in reader for image and volume modalities until their decoders are plugged in: it checks that each
/// sample's file exists (an empty cell means the modality is absent) but cannot produce tensors.
/// </summary>
public sealed class FilePathReader : IModalityReader
{
    private readonly ModalityContext _context;
    private readonly string _column;

    public FilePathReader(ModalityContext context)
    {
        _context = context;
        _column = context.RequireColumn("column");
        _ = context.Root;
    }

    public ModalitySpec Spec => _context.Modality;
    public long[]? ItemShape => null;

    /// <summary>The absolute file of a row, or null when its cell is empty.</summary>
    public string? FileOf(SampleRow row)
    {
        var cell = row.Cell(_column);
        return cell.Length == 0 ? null : _context.Dataset.Resolve(cell, _context.Root);
    }

    public ModalityValue Check(SampleRow row)
    {
        var file = FileOf(row);
        if (file == null) return ModalityValue.Missing();
        if (File.Exists(file) || Directory.Exists(file)) return ModalityValue.PresentOnly();
        return ModalityValue.Missing(new[] { DataProblem.Warning(row.ManifestPath, row.Line, _column, $"sample '{row.SampleId}', modality '{Spec.Name}': file not found (treated as missing): {file}") });
    }

    public ModalityValue Read(SampleRow row) =>
        throw new InvalidOperationException($"modality '{Spec.Name}': no {Spec.Kind.Name()} decoder is available yet (only file existence can be checked)");
}

/// <summary>Fallback factory for image paths (existence only) until the image reader lands.</summary>
public sealed class ImagePathReaderFactory : IModalityReaderFactory
{
    public ModalityKind Kind => ModalityKind.Image;
    public IReadOnlyList<string> OptionKeys { get; } = new[] { "column", "root" };
    public bool IsFallback => true;
    public IModalityReader Create(ModalityContext context) => new FilePathReader(context);
}

/// <summary>Fallback factory for volume paths (existence only) until the volume reader lands.</summary>
public sealed class VolumePathReaderFactory : IModalityReaderFactory
{
    public ModalityKind Kind => ModalityKind.Volume;
    public IReadOnlyList<string> OptionKeys { get; } = new[] { "column", "root" };
    public bool IsFallback => true;
    public IModalityReader Create(ModalityContext context) => new FilePathReader(context);
}
