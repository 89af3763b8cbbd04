using YamlDotNet.RepresentationModel;

namespace Medley.Training.FrozenEncoders;

/// <summary>Reads and rewrites one modality entry of a dataset spec YAML (comments are not kept).</summary>
internal static class SpecRewriter
{
    private static (YamlStream Stream, YamlSequenceNode Modalities, int Index) Find(string specPath, string modality)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(File.ReadAllText(specPath))) stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var modalities = (YamlSequenceNode)root.Children[new YamlScalarNode("modalities")];
        for (var i = 0; i < modalities.Children.Count; i++)
            if (modalities.Children[i] is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode("name"), out var name)
                && name is YamlScalarNode { Value: var v } && v == modality)
                return (stream, modalities, i);
        throw new ArgumentException($"{specPath} has no modality '{modality}'.");
    }

    /// <summary>The modality's entry as YAML text (part of the embedding cache key: any option change is a new cache).</summary>
    public static string ModalityYaml(string specPath, string modality)
    {
        var (_, modalities, index) = Find(specPath, modality);
        var doc = new YamlStream(new YamlDocument(modalities.Children[index]));
        using var writer = new StringWriter();
        doc.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>Writes a copy of the spec in which <paramref name="modality"/> reads <paramref name="file"/> as `kind: embedding`.</summary>
    public static void WriteWithEmbedding(string specPath, string outPath, string modality, string file)
    {
        var (stream, modalities, index) = Find(specPath, modality);
        modalities.Children[index] = new YamlMappingNode(
            new YamlScalarNode("name"), new YamlScalarNode(modality),
            new YamlScalarNode("kind"), new YamlScalarNode("embedding"),
            new YamlScalarNode("file"), new YamlScalarNode(file.Replace('\\', '/')));
        using var writer = new StringWriter();
        writer.WriteLine($"# Written by `medley embed` from {Path.GetFileName(specPath)}: '{modality}' is read from precomputed frozen-encoder embeddings.");
        stream.Save(writer, assignAnchors: false);
        var tmp = outPath + ".tmp";
        File.WriteAllText(tmp, writer.ToString());
        File.Move(tmp, outPath, overwrite: true);
    }
}
