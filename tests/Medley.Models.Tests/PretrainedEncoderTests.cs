using System.Diagnostics;
using Medley.Models.Encoders.Modality;
using Medley.Models.Inputs;
using Medley.Torch;
using Medley.Torch.Serialization;
using Medley.Torch.Tests;

namespace Medley.Models.Tests;

/// <summary>
/// The image encoder with torchvision ResNet-18 weights (exported at test time by
/// tests/reference/make_encoders_fixtures.py: 45 MB, not committed) and the text encoder with a tiny Hugging Face
/// BERT checkpoint (the committed fixture encoders_bert_tiny).
/// </summary>
public class PretrainedEncoderTests
{
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Medley.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Medley.slnx above {AppContext.BaseDirectory}");
    }

    private static string TempDir(string what)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"medley-{what}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static void ExportResNet18(string outDir)
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(RepositoryRoot(), "tests", "reference", "make_encoders_fixtures.py"));
        info.ArgumentList.Add(outDir);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "make_encoders_fixtures.py did not finish within 3 minutes");
        Assert.True(process.ExitCode == 0, $"make_encoders_fixtures.py failed ({process.ExitCode}): {stdout.Result}\n{stderr.Result}");
    }

    private static FusionConfig Image(string encoder, string? weights, int embedDim = 512) => new()
    {
        ModalityShapes = "xray:image:3x64x64", EmbedDim = embedDim, ImageEncoder = encoder, PretrainedImage = weights,
    };

    [Fact]
    public void ResNet18WeightsGiveTorchvisionsPooledFeatureAndWrongFilesNameTheirKeys()
    {
        var dir = TempDir("r18");
        try
        {
            ExportResNet18(dir);
            var weights = Path.Combine(dir, "resnet18.safetensors");
            using var scope = DisposeScope.Enter();
            using var io = Fixture.Load(Path.Combine(dir, "resnet18_features")); // an absolute path wins in Path.Combine
            var descriptor = ModalityDescriptor.Parse("xray:image:3x64x64")[0];
            using (var encoder = (ImageModalityEncoder)ModalityEncoderFactory.Create(descriptor, Image("resnet18", weights) with { FrozenEncoders = new[] { "xray" } }))
            {
                Assert.True(encoder.Frozen);
                encoder.Eval();
                using var noGrad = Engine.NoGrad();
                AssertClose.Equal(io["features"], encoder.Forward(io["input"], null), rtol: 1e-4, atol: 1e-4, what: "resnet18 pooled feature");
            }

            // A checkpoint without its fc layer loads the same; DataParallel's "module." prefix is stripped.
            var noFc = Path.Combine(dir, "nofc.safetensors");
            SafeTensors.Save(noFc, SafeTensors.Load(weights, n => n.StartsWith("fc.") ? null : "module." + n));
            using (var encoder = (ImageModalityEncoder)ModalityEncoderFactory.Create(descriptor, Image("resnet18", noFc, embedDim: 16)))
            {
                encoder.Eval();
                using var noGrad = Engine.NoGrad();
                Assert.Equal(new long[] { 2, 16 }, encoder.Forward(io["input"], null).Shape);
                AssertClose.Equal(io["features"], encoder.Backbone!.ForwardFeatures(io["input"]), rtol: 1e-4, atol: 1e-4, what: "without fc");
            }

            // ResNet-18 weights for a ResNet-34: the error names the file and the missing blocks.
            var e = Assert.Throws<ArgumentException>(() => ModalityEncoderFactory.Create(descriptor, Image("resnet34", weights)));
            Assert.Contains(weights, e.Message);
            Assert.Contains("layer1.2.conv1.weight", e.Message);
            Assert.Contains("resnet34", e.Message);

            // A file with a wrongly shaped tensor names it.
            var bad = Path.Combine(dir, "bad.safetensors");
            var tensors = SafeTensors.Load(weights);
            tensors["conv1.weight"] = Tensor.Zeros(64, 1, 7, 7);
            SafeTensors.Save(bad, tensors);
            e = Assert.Throws<ArgumentException>(() => ModalityEncoderFactory.Create(descriptor, Image("resnet18", bad)));
            Assert.Contains("conv1.weight", e.Message);
            Assert.Contains(bad, e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ImageWeightsUserErrors()
    {
        var dir = TempDir("imgbad");
        try
        {
            var descriptor = ModalityDescriptor.Parse("xray:image:3x64x64")[0];
            var missing = Path.Combine(dir, "nope.safetensors");
            Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => ModalityEncoderFactory.Create(descriptor, Image("resnet18", missing))).Message);
            var junk = Path.Combine(dir, "junk.safetensors");
            File.WriteAllText(junk, "not a tensor file");
            Assert.Contains(junk, Assert.Throws<ArgumentException>(() => ModalityEncoderFactory.Create(descriptor, Image("resnet18", junk))).Message);
            Assert.Contains("cnn", Assert.Throws<ArgumentException>(() => ModalityEncoderFactory.Create(descriptor, Image("cnn", junk, 8))).Message);
            Assert.Contains("'vgg16'", Assert.Throws<ArgumentException>(() => ModalityEncoderFactory.Create(descriptor, Image("vgg16", null))).Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static FusionConfig Text(string checkpoint, int embedDim, string pooling = "mean", int vocab = 50) => new()
    {
        ModalityShapes = $"report:text:10:{vocab}", EmbedDim = embedDim, TextEncoder = "bert", PretrainedText = checkpoint,
        TextPooling = pooling, BertHeads = 4,
    };

    [Theory]
    [InlineData("mean")]
    [InlineData("cls")]
    public void BertTextEncoderPoolsTheCheckpointsStatesAndIsFrozen(string pooling)
    {
        using var scope = DisposeScope.Enter();
        using var fx = Fixture.Load("encoders_bert_tiny");
        var path = BertCheckpointFile(fx);
        try
        {
            var descriptor = ModalityDescriptor.Parse("report:text:10:50")[0];
            using (var encoder = ModalityEncoderFactory.Create(descriptor, Text(path, 32, pooling)))
            {
                // BERT's width is the embedding width: no projection, the whole encoder is frozen (cacheable).
                Assert.IsType<BertTextEncoder>(encoder);
                Assert.True(encoder.Frozen);
                Assert.Equal(0, encoder.ParameterCount(trainableOnly: true));
                encoder.Train();
                var v = encoder.Forward(fx["input_ids"], fx["attention_mask"]);
                var expected = pooling == "mean" ? fx["mean"] : fx["cls"];
                // Rows 0 and 1; row 2 (an absent report) is zeros for mean pooling.
                AssertClose.Equal(expected, v, rtol: 1e-4, atol: 1e-4, what: $"{pooling} pooled");
                Assert.False(v.RequiresGrad);
            }
            using (var encoder = ModalityEncoderFactory.Create(descriptor, Text(path, 8, pooling)))
            {
                // A different width: a trainable projection on top of the frozen BERT.
                Assert.False(encoder.Frozen);
                Assert.Equal(8 * 32 + 8, encoder.ParameterCount(trainableOnly: true));
                var v = encoder.Forward(fx["input_ids"], fx["attention_mask"]);
                Assert.Equal(new long[] { 3, 8 }, v.Shape);
                v.Sum().Backward();
                Assert.All(encoder.Parameters(), p => Assert.Equal(p.RequiresGrad, p.Grad is not null));
            }
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void BertTextEncoderUserErrors()
    {
        using var scope = DisposeScope.Enter();
        using var fx = Fixture.Load("encoders_bert_tiny");
        var path = BertCheckpointFile(fx);
        try
        {
            var e = Assert.Throws<ArgumentException>(() => ModalityEncoderFactory.Create(ModalityDescriptor.Parse("report:text:10:30522")[0], Text(path, 8, vocab: 30522)));
            Assert.Contains("30522", e.Message);
            Assert.Contains("50 word pieces", e.Message);
            Assert.Contains("'report'", e.Message);
            var report = ModalityDescriptor.Parse("report:text:10:50")[0];
            Assert.Contains("pretrained_text", Assert.Throws<ArgumentException>(() => ModalityEncoderFactory.Create(report, Text(path, 8) with { PretrainedText = null })).Message);
            Assert.Contains("'gpt'", Assert.Throws<ArgumentException>(() => ModalityEncoderFactory.Create(report, Text(path, 8) with { TextEncoder = "gpt" })).Message);
            Assert.Contains("text_pooling", Assert.Throws<ArgumentException>(() => ModalityEncoderFactory.Create(report, Text(path, 8, pooling: "max"))).Message);
            Assert.Contains("positions", Assert.Throws<ArgumentException>(() => ModalityEncoderFactory.Create(ModalityDescriptor.Parse("report:text:64:50")[0], Text(path, 8))).Message);
            var notBert = Path.Combine(Path.GetDirectoryName(path)!, "resnet.safetensors");
            SafeTensors.Save(notBert, new Dictionary<string, Tensor> { ["conv1.weight"] = Tensor.Zeros(2, 2) });
            Assert.Contains(notBert, Assert.Throws<ArgumentException>(() => ModalityEncoderFactory.Create(report, Text(notBert, 8))).Message);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    private static string BertCheckpointFile(Fixture fx)
    {
        var dir = TempDir("bert");
        var path = Path.Combine(dir, "model.safetensors");
        SafeTensors.Save(path, fx.WithPrefix("sd.").ToDictionary(kv => "bert." + kv.Key, kv => kv.Value));
        return path;
    }
}
