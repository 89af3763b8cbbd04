using System.Diagnostics;
using Medley.Torch.Models;
using Medley.Torch.Serialization;

namespace Medley.Torch.Tests;

/// <summary>
/// Medley's ports of torchvision models load torchvision's state dicts strictly and give the same logits.
/// ResNet-18's weights (~45 MB) are exported at test time by tests/reference/export_torchvision.py; the tiny ViT's
/// are committed (Fixtures/layers_vit_tiny.safetensors, made by make_layers_fixtures.py).
/// </summary>
public class TorchvisionModelTests
{
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Medley.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Medley.slnx above {AppContext.BaseDirectory}");
    }

    private static void Export(string outDir, string model)
    {
        var script = Path.Combine(RepositoryRoot(), "tests", "reference", "export_torchvision.py");
        var info = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(outDir);
        info.ArgumentList.Add(model);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "export_torchvision.py did not finish within 3 minutes");
        Assert.True(process.ExitCode == 0, $"export_torchvision.py failed ({process.ExitCode}): {stdout.Result}\n{stderr.Result}");
    }

    [Fact]
    public void ResNet18LoadsTorchvisionWeightsAndMatchesItsLogits()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"medley-tv-{Guid.NewGuid():N}");
        try
        {
            Export(dir, "resnet18");
            using var scope = DisposeScope.Enter();
            using var model = ResNet.ResNet18();
            var stateDict = SafeTensors.Load(Path.Combine(dir, "resnet18.safetensors"));
            model.LoadStateDict(stateDict, strict: true);
            model.Eval();
            var io = SafeTensors.Load(Path.Combine(dir, "resnet18_io.safetensors"));
            using (Engine.NoGrad())
            {
                var logits = model.Forward(io["input"]);
                Assert.Equal(new long[] { 2, 1000 }, logits.Shape);
                AssertClose.Equal(io["logits"], logits, rtol: 1e-4, atol: 1e-4, what: "resnet18 logits");
            }
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TinyVisionTransformerLoadsTorchvisionWeightsAndMatchesItsLogits()
    {
        using var scope = DisposeScope.Enter();
        using var fixture = Fixture.Load("layers_vit_tiny");
        using var model = new VisionTransformer(imageSize: 32, patchSize: 8, numLayers: 2, numHeads: 2, hiddenDim: 32, mlpDim: 64, numClasses: 10);
        model.LoadStateDict(fixture.WithPrefix("sd."), strict: true);
        model.Eval();
        using (Engine.NoGrad())
        {
            var logits = model.Forward(fixture["input"]);
            Assert.Equal(new long[] { 2, 10 }, logits.Shape);
            AssertClose.Equal(fixture["logits"], logits, rtol: 1e-4, atol: 1e-4, what: "vit logits");
        }
    }

    [Fact]
    public void ParameterCountsMatchTorchvision()
    {
        // torchvision's published sizes: resnet18 11,689,512; resnet34 21,797,672; resnet50 25,557,032.
        using (var r18 = ResNet.ResNet18()) Assert.Equal(11_689_512, r18.ParameterCount());
        using (var r34 = ResNet.ResNet34()) Assert.Equal(21_797_672, r34.ParameterCount());
        using (var r50 = ResNet.ResNet50()) Assert.Equal(25_557_032, r50.ParameterCount());
    }

    [Fact]
    public void ModelsRejectWrongInputShapes()
    {
        using var scope = DisposeScope.Enter();
        using var vit = new VisionTransformer(imageSize: 32, patchSize: 8, numLayers: 1, numHeads: 2, hiddenDim: 16, mlpDim: 32, numClasses: 3);
        var e = Assert.Throws<ArgumentException>(() => vit.Forward(Tensor.Randn(1, 3, 48, 48)));
        Assert.Contains("32", e.Message);
        Assert.Throws<ArgumentException>(() => new VisionTransformer(imageSize: 30, patchSize: 8));
        using var resnet = ResNet.ResNet18(numClasses: 4);
        Assert.Throws<ArgumentException>(() => resnet.Forward(Tensor.Randn(1, 1, 32, 32)));
    }
}
