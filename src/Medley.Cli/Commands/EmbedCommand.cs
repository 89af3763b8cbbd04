using System.CommandLine;
using Medley.Training.FrozenEncoders;

namespace Medley.Cli;

/// <summary>
/// `medley embed --spec S --modality M --encoder bert|resnet18|resnet34|resnet50 --weights W`: runs a frozen
/// pretrained encoder once over every sample and writes a whole-dataset embedding file plus a spec that reads it.
/// </summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var spec = new Option<FileInfo>("--spec") { Description = "The dataset spec (YAML).", Required = true };
        var modality = new Option<string>("--modality") { Description = "The modality to embed (a text modality for bert, an image modality for resnet*).", Required = true };
        var encoder = new Option<string>("--encoder") { Description = $"The frozen encoder: {string.Join(", ", DatasetEmbedder.Encoders)}.", Required = true };
        var weights = new Option<FileInfo>("--weights") { Description = "Its weights (safetensors): a Hugging Face BERT checkpoint, or a torchvision ResNet state dict.", Required = true };
        var pooling = new Option<string>("--pooling") { Description = "bert: mean (of the attended tokens, default) or cls.", DefaultValueFactory = _ => "mean" };
        var heads = new Option<int?>("--heads") { Description = "bert: attention heads (default: config.json beside the weights, else hidden/64)." };
        var output = new Option<FileInfo?>("--out") { Description = "The embedding file (default: <modality>.<encoder>.safetensors beside the spec)." };
        var outSpec = new Option<FileInfo?>("--out-spec") { Description = "The new spec, beside the input spec (default: <spec>.<modality>-<encoder>.yaml)." };
        var cache = new Option<DirectoryInfo?>("--cache") { Description = "Embedding cache folder (default: .medley-embeddings beside the spec)." };
        var noCache = new Option<bool>("--no-cache") { Description = "Recompute everything and store nothing in the cache." };
        var split = new Option<FileInfo?>("--split") { Description = "Fit preprocessing (e.g. image normalisation) on this split file's first training part instead of every sample." };
        var batch = new Option<int>("--batch-size") { Description = "Samples per encoder call.", DefaultValueFactory = _ => 32 };
        var command = new Command("embed", "Run a frozen pretrained encoder (BERT for text, a torchvision ResNet for images) once over a dataset modality; write the embeddings keyed by sample id and a spec that reads them (kind: embedding).");
        foreach (var o in new Option[] { spec, modality, encoder, weights, pooling, heads, output, outSpec, cache, noCache, split, batch }) command.Options.Add(o);
        command.SetAction(p =>
        {
            var specPath = p.GetValue(spec)!.FullName;
            var cacheDir = p.GetValue(noCache) ? null
                : p.GetValue(cache)?.FullName ?? Path.Combine(Path.GetDirectoryName(specPath)!, ".medley-embeddings");
            var result = DatasetEmbedder.Run(new EmbedRequest(specPath, p.GetValue(modality)!, p.GetValue(encoder)!, p.GetValue(weights)!.FullName)
            {
                Pooling = p.GetValue(pooling)!,
                Heads = p.GetValue(heads),
                OutFile = p.GetValue(output)?.FullName,
                OutSpec = p.GetValue(outSpec)?.FullName,
                CacheDir = cacheDir,
                SplitPath = p.GetValue(split)?.FullName,
                BatchSize = p.GetValue(batch),
            });
            Console.WriteLine($"embedded {result.Samples} samples [{string.Join(", ", result.Shape)}] ({result.Computed} computed, {result.FromCache} from the cache, {result.Absent} without the modality)");
            Console.WriteLine($"embeddings: {result.OutFile}");
            Console.WriteLine($"spec:       {result.OutSpec}");
            return 0;
        });
        return command;
    }
}
