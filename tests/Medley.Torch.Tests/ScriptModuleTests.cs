using Medley.Torch.NN;
using Medley.Torch.Serialization;

namespace Medley.Torch.Tests;

/// <summary>TorchScript modules from tests/reference/make_script_fixtures.py: forward, grads, freezing, modes, errors.</summary>
public class ScriptModuleTests
{
    private static string PathOf(string file) => Path.Combine(Fixture.Directory, file);

    [Fact]
    public void ForwardMatchesPythonInEvalMode()
    {
        using var scope = DisposeScope.Enter();
        using var fx = Fixture.Load("script_expected");
        using var module = ScriptModule.Load(PathOf("script_mlp.pt"));
        Assert.False(module.Training); // saved in eval mode
        AssertClose.Equal(fx["mlp.out_eval"], module.Forward(fx["mlp.x"]), what: "eval output");
    }

    [Fact]
    public void TrainAndEvalReachTheScriptModule()
    {
        using var scope = DisposeScope.Enter();
        using var fx = Fixture.Load("script_expected");
        using var module = ScriptModule.Load(PathOf("script_mlp.pt"));
        module.Train();
        AssertClose.Equal(fx["mlp.out_train"], module.Forward(fx["mlp.x"]), what: "train output");
        module.Eval();
        // Running stats moved during the train-mode call, so reload them before comparing with Python's eval output.
        module.LoadStateDict(fx.WithPrefix("mlp.state."));
        AssertClose.Equal(fx["mlp.out_eval"], module.Forward(fx["mlp.x"]), what: "eval output after train");
    }

    [Fact]
    public void ParametersAndBuffersUsePyTorchNames()
    {
        using var fx = Fixture.Load("script_expected");
        using var module = ScriptModule.Load(PathOf("script_mlp.pt"));
        Assert.Equal(new[] { "fc1.weight", "fc1.bias", "bn.weight", "bn.bias", "fc2.weight", "fc2.bias" },
            module.NamedParameters().Select(p => p.Name).ToArray());
        Assert.Equal(new[] { "bn.running_mean", "bn.running_var", "bn.num_batches_tracked" },
            module.NamedBuffers().Select(b => b.Name).ToArray());
        Assert.All(module.Parameters(), p => Assert.True(p.RequiresGrad));
        foreach (var (name, p) in module.NamedParameters()) AssertClose.Equal(fx["mlp.state." + name], p, what: name);
    }

    [Fact]
    public void GradientsFlowToScriptParameters()
    {
        using var scope = DisposeScope.Enter();
        using var fx = Fixture.Load("script_expected");
        using var module = ScriptModule.Load(PathOf("script_mlp.pt"));
        module.Forward(fx["mlp.x"]).Sum().Backward();
        foreach (var (name, p) in module.NamedParameters())
            AssertClose.Equal(fx["mlp.grad." + name], p.Grad ?? throw new Xunit.Sdk.XunitException($"{name} has no grad"), what: name);
    }

    [Fact]
    public void AnOptimiserStepOnMedleyParametersChangesTheScriptModule()
    {
        using var scope = DisposeScope.Enter();
        using var fx = Fixture.Load("script_expected");
        using var module = ScriptModule.Load(PathOf("script_mlp.pt"));
        var x = fx["mlp.x"];
        var before = module.Forward(x).Sum().Item();
        var loss = module.Forward(x).Sum();
        loss.Backward();
        using (Engine.NoGrad())
            foreach (var p in module.Parameters()) p.Add_(p.Grad!, alpha: -0.1); // plain SGD
        var after = module.Forward(x).Sum().Item();
        Assert.True(after < before - 1e-3, $"a descent step should lower the summed output ({before} -> {after})");
    }

    [Fact]
    public void FrozenScriptModuleGetsNoGradients()
    {
        using var scope = DisposeScope.Enter();
        using var fx = Fixture.Load("script_expected");
        using var module = ScriptModule.Load(PathOf("script_mlp.pt"));
        module.RequiresGrad_(false);
        var x = fx["mlp.x"].Detach().RequiresGrad_();
        module.Forward(x).Sum().Backward(); // a frozen feature extractor still passes gradients to its input
        Assert.All(module.Parameters(), p => Assert.Null(p.Grad));
        Assert.NotNull(x.Grad);
        Assert.Equal(0, module.ParameterCount(trainableOnly: true));
    }

    [Fact]
    public void StateDictRoundTripsThroughSafeTensors()
    {
        using var scope = DisposeScope.Enter();
        using var fx = Fixture.Load("script_expected");
        var file = Path.Combine(Path.GetTempPath(), $"medley_script_{Guid.NewGuid():N}.safetensors");
        try
        {
            using (var original = ScriptModule.Load(PathOf("script_mlp.pt")))
                SafeTensors.Save(file, original.StateDict());
            using var module = ScriptModule.Load(PathOf("script_mlp.pt"));
            using (Engine.NoGrad())
                foreach (var p in module.Parameters()) p.Zero_();
            Assert.Equal(0.0, module.Parameters().Sum(p => (p * p).Sum().Item()));
            var result = module.LoadStateDict(SafeTensors.Load(file));
            Assert.Empty(result.MissingKeys);
            Assert.Empty(result.UnexpectedKeys);
            AssertClose.Equal(fx["mlp.out_eval"], module.Forward(fx["mlp.x"]), what: "output after reload");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void TracedModuleWithTwoInputsReturnsATuple()
    {
        using var scope = DisposeScope.Enter();
        using var fx = Fixture.Load("script_expected");
        using var module = ScriptModule.Load(PathOf("script_pair.pt"));
        Assert.Equal(new[] { "w" }, module.NamedParameters().Select(p => p.Name).ToArray());
        var outputs = module.ForwardAll(fx["pair.a"], fx["pair.b"]);
        Assert.Equal(2, outputs.Length);
        AssertClose.Equal(fx["pair.first"], outputs[0], what: "first");
        AssertClose.Equal(fx["pair.second"], outputs[1], what: "second");
        var e = Assert.Throws<InvalidOperationException>(() => module.Forward(fx["pair.a"], fx["pair.b"]));
        Assert.Contains("ForwardAll", e.Message);
    }

    [Fact]
    public void WrongInputCountOrShapeIsAManagedErrorNamingTheFile()
    {
        using var scope = DisposeScope.Enter();
        using var module = ScriptModule.Load(PathOf("script_mlp.pt"));
        var count = Assert.Throws<TorchException>(() => module.ForwardAll(Tensor.Ones(2, 4), Tensor.Ones(2, 4)));
        Assert.Contains("script_mlp.pt", count.Message);
        Assert.Contains("argument", count.Message);
        var shape = Assert.Throws<TorchException>(() => module.Forward(Tensor.Ones(2, 5)));
        Assert.Contains("script_mlp.pt", shape.Message);
        Assert.Contains("[2, 5] float32", shape.Message);
        Assert.Contains("shapes cannot be multiplied", shape.Message);
        var none = Assert.Throws<TorchException>(() => module.ForwardAll());
        Assert.Contains("script_mlp.pt", none.Message);
    }

    [Fact]
    public void MissingOrInvalidFilesAreManagedErrorsNamingTheFile()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no_such_module.pt");
        var e1 = Assert.Throws<FileNotFoundException>(() => ScriptModule.Load(missing));
        Assert.Contains(missing, e1.Message);

        var dir = Directory.CreateTempSubdirectory("medley_jit_");
        try
        {
            var cases = new Dictionary<string, byte[]>
            {
                ["empty.pt"] = Array.Empty<byte>(),
                ["text.pt"] = "this is not a zip archive"u8.ToArray(),
                ["random.pt"] = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray(),
                ["truncated.pt"] = File.ReadAllBytes(PathOf("script_mlp.pt"))[..6000],
                ["safetensors.pt"] = File.ReadAllBytes(PathOf("script_expected.safetensors")),
            };
            foreach (var (name, bytes) in cases)
            {
                var path = Path.Combine(dir.FullName, name);
                File.WriteAllBytes(path, bytes);
                var e = Assert.Throws<InvalidDataException>(() => ScriptModule.Load(path));
                Assert.Contains(path, e.Message);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void UseAfterDisposeIsAnObjectDisposedException()
    {
        using var scope = DisposeScope.Enter();
        var module = ScriptModule.Load(PathOf("script_mlp.pt"));
        module.Dispose();
        Assert.Throws<ObjectDisposedException>(() => module.Forward(Tensor.Ones(2, 4)));
    }
}
