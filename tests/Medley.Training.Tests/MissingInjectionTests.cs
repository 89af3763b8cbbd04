using Medley.Data.Batching;
using Medley.Torch;
using Medley.Training.Experiments;

namespace Medley.Training.Tests;

/// <summary>training.missing: seeded per (seed, sample, modality), never all modalities of a sample, checked names and rates.</summary>
[Collection(global::Medley.Torch.Tests.SerialCollection.Name)]
public sealed class MissingInjectionTests
{
    private static readonly string[] Used = ["image", "labs", "text"];

    [Fact]
    public void DrawsDependOnlyOnSeedSampleAndModalityAndNestAcrossRates()
    {
        var a = MissingInjection.Parse("labs=0.5", 3)!;
        var b = MissingInjection.Parse("labs=0.5", 3)!;
        var other = MissingInjection.Parse("labs=0.5", 4)!;
        var ids = Enumerable.Range(0, 400).Select(i => $"s{i}").ToList();
        var removedA = ids.Where(id => a.Removed(id, Used, Used).Contains("labs")).ToList();
        Assert.Equal(removedA, ids.Where(id => b.Removed(id, Used, Used).Contains("labs")));
        Assert.NotEqual(removedA, ids.Where(id => other.Removed(id, Used, Used).Contains("labs")));
        Assert.InRange(removedA.Count, 160, 240); // ~50% of 400
        Assert.All(ids, id => Assert.DoesNotContain("image", a.Removed(id, Used, Used)));
        // A higher rate removes a superset (the draw is u < rate with u fixed per sample and modality).
        var high = MissingInjection.Parse("labs=0.9", 3)!;
        var removedHigh = ids.Where(id => high.Removed(id, Used, Used).Contains("labs")).ToHashSet();
        Assert.Superset(removedA.ToHashSet(), removedHigh);
        Assert.Empty(ids.Where(id => MissingInjection.Parse("labs=0", 3)!.Removed(id, Used, Used).Count > 0));
    }

    [Fact]
    public void NeverRemovesEveryModalityOfASample()
    {
        var all = MissingInjection.Parse("image=1,labs=1,text=1", 0)!;
        var kept = new HashSet<string>();
        for (var i = 0; i < 200; i++)
        {
            var removed = all.Removed($"s{i}", Used, Used);
            Assert.Equal(2, removed.Count);
            kept.Add(Used.Single(m => !removed.Contains(m)));
        }
        Assert.Equal(3, kept.Count); // the kept one is drawn, not always the first
        // Only labs present (the others naturally absent): labs=1 cannot remove it.
        Assert.Empty(MissingInjection.Parse("labs=1", 0)!.Removed("s1", Used, ["labs"]));
        // random=1 removes exactly one modality per sample, each of them for some samples.
        var random = MissingInjection.Parse("random=1", 0)!;
        var picks = Enumerable.Range(0, 300).Select(i => random.Removed($"s{i}", Used, Used)).ToList();
        Assert.All(picks, p => Assert.Single(p));
        Assert.Equal(3, picks.Select(p => p[0]).Distinct().Count());
    }

    [Fact]
    public void InjectZeroesTensorsMasksAndPresenceOfRemovedSamples()
    {
        using var scope = DisposeScope.Enter();
        var ids = Enumerable.Range(0, 64).Select(i => $"s{i}").ToList();
        ModalityBatch Batch() => new(ids, Enumerable.Range(0, 64).ToList(),
            new Dictionary<string, Tensor> { ["image"] = Tensor.Ones([64, 2, 3]).DetachFromScope(), ["labs"] = Tensor.Ones([64, 4]).DetachFromScope() },
            new Dictionary<string, Tensor> { ["image"] = Tensor.From(Enumerable.Repeat(true, 64).ToArray()).DetachFromScope(), ["labs"] = Tensor.From(Enumerable.Repeat(true, 64).ToArray()).DetachFromScope() },
            new Dictionary<string, Tensor> { ["labs"] = Tensor.Ones([64, 4], DType.Int64).DetachFromScope() },
            Tensor.Zeros([64], DType.Int64).DetachFromScope());
        var injection = MissingInjection.Parse("labs=0.5", 1)!;
        using var batch = injection.Inject(Batch(), ["image", "labs"]);
        var present = batch.Present["labs"].To(DType.Int64).ToArray<long>();
        var labs = batch.Inputs["labs"].ToArray2D<float>();
        var mask = batch.Masks["labs"].ToArray2D<long>();
        var expected = ids.Select(id => injection.Removed(id, ["image", "labs"], ["image", "labs"]).Contains("labs")).ToArray();
        Assert.Contains(true, expected);
        Assert.Contains(false, expected);
        for (var b = 0; b < 64; b++)
        {
            Assert.Equal(expected[b] ? 0 : 1, present[b]);
            Assert.Equal(expected[b] ? 0f : 1f, labs[b, 0]);
            Assert.Equal(expected[b] ? 0 : 1, mask[b, 3]);
        }
        Assert.Equal(64 * 6, batch.Inputs["image"].Sum().Item(), 3); // image untouched
        // The same sample loses the same modality in another batch order.
        using var again = injection.Inject(Batch(), ["image", "labs"]);
        Assert.Equal(present, again.Present["labs"].To(DType.Int64).ToArray<long>());
    }

    [Fact]
    public void BadValuesAreClearErrors()
    {
        var rate = Assert.Throws<ArgumentException>(() => MissingInjection.Parse("labs=1.5", 0));
        Assert.Contains("[0, 1]", rate.Message);
        var form = Assert.Throws<ArgumentException>(() => MissingInjection.Parse("labs", 0));
        Assert.Contains("name=rate", form.Message);
        Assert.Throws<ArgumentException>(() => MissingInjection.Parse("labs=0.1,labs=0.2", 0));
        Assert.Null(MissingInjection.Parse("", 0));

        using var data = new ToyDataset(20);
        var r = CliRunner.Run("train", "--spec", data.Spec, "--method", "lab-only", "--set", "training.missing=clinical=0.5", "--out", data.Path_("run"));
        Assert.Equal(1, r.Code);
        Assert.Contains("'clinical', which is not a modality of the dataset spec (modalities: image, labs; or 'random')", r.Err);
        Assert.False(Directory.Exists(data.Path_("run")));
        var bad = CliRunner.Run("train", "--spec", data.Spec, "--method", "lab-only", "--set", "training.missing=labs=2", "--out", data.Path_("run2"));
        Assert.Equal(1, bad.Code);
        Assert.Contains("must be a fraction in [0, 1]", bad.Err);
    }

    [Fact]
    public void RunWithMissingImagesTrainsAndRecordsTheOption()
    {
        using var data = new ToyDataset(40, ToyDataset.Rule.Xor);
        var config = Configs.Cmap(1, "evaluation.latency_runs=0", "training.missing=image=0.5", "training.missing_seed=2");
        var outcome = TrainRun.Run(new RunRequest(data.Spec, config, data.Path_("run")));
        Assert.NotNull(outcome.Metrics);
        var yaml = File.ReadAllText(data.Path_("run/config.yaml"));
        Assert.Contains("missing: \"image=0.5\"", yaml);
        Assert.Contains("missing_seed: 2", yaml);
    }
}
