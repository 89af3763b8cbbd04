using System.Globalization;
using Medley.Data.Datasets;
using Medley.Data.Spec;
using Medley.Models.Methods.OmniFuse;
using Medley.Torch;
using Medley.Training.Strategies;

namespace Medley.Training.Tests;

/// <summary>OmniFuse through the CLI: training with TLA, prediction under every presence pattern, explanation columns.</summary>
public sealed class OmniFuseTrainingTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "medley-omni-" + Guid.NewGuid().ToString("N")[..10]);

    private static readonly string[] Tiny =
    {
        "--set", "model.embed_dim=16", "--set", "model.image_encoder=cnn", "--set", "model.hidden=16", "--set", "model.latent_dim=8",
        "--set", "model.text_heads=2", "--set", "model.classifier_hidden=16", "--set", "training.batch_size=16",
        "--set", "training.workers=0", "--set", "training.learning_rate=0.005", "--set", "training.warmup_epochs=0",
        "--set", "evaluation.latency_runs=0",
    };

    public void Dispose()
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    private string Synth(params string[] extra)
    {
        var data = Path.Combine(dir, "data");
        var (code, _, err) = CliRunner.Run(new[]
        {
            "data", "synth", "--out", data, "--modalities", "image,vitals,report", "--signal", "image,vitals,report",
            "--missing", "0.3", "--samples", "60", "--image-size", "8", "--seed", "4",
        }.Concat(extra).ToArray());
        Assert.True(code == 0, err);
        return Path.Combine(data, "spec.yaml");
    }

    private string Train(string spec, int epochs, params string[] extra)
    {
        var run = Path.Combine(dir, "run");
        var (code, _, err) = CliRunner.Run(new[] { "train", "--spec", spec, "--method", "omnifuse", "--out", run, "--threads", "1",
            "--set", $"training.epochs={epochs}" }.Concat(Tiny).Concat(extra).ToArray());
        Assert.True(code == 0, err);
        return run;
    }

    private static List<string[]> ReadCsv(string path) => File.ReadAllLines(path).Select(l => l.Split(',')).ToList();

    [Fact]
    public void TrainedModelPredictsEveryPresencePatternAndExplainsItsPredictions()
    {
        var spec = Synth();
        var run = Train(spec, epochs: 2);

        // log.csv: TLA's lazy combination from epoch 2 and the imputation similarity every epoch.
        var log = ReadCsv(Path.Combine(run, "log.csv"));
        var lazyColumn = Array.IndexOf(log[0], "tla_lazy");
        var cosineColumn = Array.IndexOf(log[0], "imputation_cosine");
        Assert.True(lazyColumn > 0 && cosineColumn > 0, string.Join(",", log[0]));
        Assert.Equal("", log[1][lazyColumn]);
        var lazy = int.Parse(log[2][lazyColumn], CultureInfo.InvariantCulture);
        Assert.InRange(lazy, 1, 7);
        Assert.InRange(double.Parse(log[2][cosineColumn], CultureInfo.InvariantCulture), -1, 1);

        // tla.csv traces it: the lazy combination is the one with the largest summed loss.
        var tla = ReadCsv(Path.Combine(run, "tla.csv"));
        Assert.Equal(new[] { "epoch", "lazy", "lazy_mask", "loss_image", "loss_vitals", "loss_image+vitals", "loss_report",
            "loss_image+report", "loss_vitals+report", "loss_image+vitals+report" }, tla[0]);
        Assert.Equal("2", tla[1][0]);
        var losses = tla[1].Skip(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList();
        Assert.All(losses, l => Assert.True(double.IsFinite(l) && l > 0));
        Assert.Equal(OmniFuseStrategy.Laziest(losses), int.Parse(tla[1][2], CultureInfo.InvariantCulture));
        Assert.Equal(lazy, int.Parse(tla[1][2], CultureInfo.InvariantCulture));
        Assert.Equal(OmniFuseStrategy.Describe(lazy, new[] { "image", "vitals", "report" }), tla[1][1]);

        // predictions.csv of the test part carries ω and the imputed flags.
        var header = ReadCsv(Path.Combine(run, "predictions.csv"))[0];
        foreach (var m in new[] { "image", "vitals", "report" })
        {
            Assert.Contains("omega_" + m, header);
            Assert.Contains("imputed_" + m, header);
        }

        // medley predict on the whole manifest: imputed flags follow the manifest's empty cells.
        var manifest = Path.Combine(dir, "data", "manifest.csv");
        var predictions = Path.Combine(dir, "preds.csv");
        var (code, _, err) = CliRunner.Run("predict", "--model", run, "--manifest", manifest, "--out", predictions);
        Assert.True(code == 0, err);
        var rows = ReadCsv(predictions);
        var source = ReadCsv(manifest);
        var imageCell = Array.IndexOf(source[0], "image");
        var imputedImage = Array.IndexOf(rows[0], "imputed_image");
        var omegaImage = Array.IndexOf(rows[0], "omega_image");
        Assert.Equal(60, rows.Count - 1);
        var idOf = source.Skip(1).ToDictionary(r => r[0]);
        foreach (var row in rows.Skip(1))
        {
            Assert.Equal(idOf[row[0]][imageCell].Length == 0 ? "1" : "0", row[imputedImage]);
            Assert.InRange(double.Parse(row[omegaImage], CultureInfo.InvariantCulture), 0, 1);
        }
        Assert.Contains(rows.Skip(1), r => r[imputedImage] == "1");

        // Acceptance 1: every presence pattern of the 3 modalities, single-modality ones included.
        using var saved = SavedRun.Load(run);
        var model = Assert.IsType<OmniFuseModel>(saved.Model);
        var dataset = MultimodalDataset.Open(spec);
        var binding = saved.Prepare(dataset);
        var source2 = TrainRun.Loader(dataset, Enumerable.Range(0, dataset.Count).ToArray(), new TrainingOptions { BatchSize = 16, Workers = 0 }, train: false);
        using var noGrad = Engine.NoGrad();
        for (var mask = 1; mask < 8; mask++)
        {
            var keep = OmniFuseStrategy.Pattern(mask, 3);
            var samples = 0;
            foreach (var batch in source2.Epoch(0))
            {
                using var owned = batch;
                using var scope = DisposeScope.Enter();
                var output = model.Forward(binding.Inputs(batch), keep);
                Assert.True(output.Logits.IsFinite().All().Item<bool>());
                Assert.True(output.Feature("omega").IsFinite().All().Item<bool>());
                var imputed = output.Feature("imputed").ToArray2D<float>();
                for (var m = 0; m < 3; m++)
                {
                    var present = batch.Present.TryGetValue(model.ModalityNames[m], out var p)
                        ? p.ToArray<bool>() : Enumerable.Repeat(true, batch.Size).ToArray();
                    for (var i = 0; i < batch.Size; i++) Assert.Equal(keep[m] && present[i] ? 0f : 1f, imputed[i, m]);
                }
                samples += batch.Size;
            }
            Assert.Equal(60, samples);
        }
    }

    [Fact]
    public void WithoutTlaThereIsNoLazyColumnNorTrace()
    {
        var run = Train(Synth(), epochs: 2, "--set", "model.use_tla=false");
        var header = ReadCsv(Path.Combine(run, "log.csv"))[0];
        Assert.DoesNotContain("tla_lazy", header);
        Assert.Contains("imputation_cosine", header);
        Assert.False(File.Exists(Path.Combine(run, "tla.csv")));
    }

    [Fact]
    public void MultilabelRunTrainsAndExplains()
    {
        var run = Train(Synth("--task", "multilabel", "--labels", "3", "--factors", "2"), epochs: 2);
        Assert.Contains("task: multilabel", File.ReadAllText(Path.Combine(run, "config.yaml")));
        var rows = ReadCsv(Path.Combine(run, "predictions.csv"));
        var omega = Array.IndexOf(rows[0], "omega_report");
        Assert.True(omega > 0);
        Assert.All(rows.Skip(1), r => Assert.InRange(double.Parse(r[omega], CultureInfo.InvariantCulture), 0, 1));
        var tla = ReadCsv(Path.Combine(run, "tla.csv"));
        Assert.All(tla[1].Skip(3), v => Assert.True(double.IsFinite(double.Parse(v, CultureInfo.InvariantCulture))));
    }

    [Fact]
    public void TlaPicksTheCombinationWithTheLargestLoss()
    {
        // Combinations of 3 modalities as bitmasks 1..7; the largest summed loss is at mask 6 (vitals+report).
        Assert.Equal(6, OmniFuseStrategy.Laziest(new[] { 3.0, 2.0, 1.0, 4.0, 0.5, 9.0, 0.1 }));
        Assert.Equal(1, OmniFuseStrategy.Laziest(new[] { 2.0, 2.0, 2.0 }));
        Assert.Equal(new[] { true, false, true }, OmniFuseStrategy.Pattern(5, 3));
        Assert.Equal("image+report", OmniFuseStrategy.Describe(5, new[] { "image", "vitals", "report" }));
        Assert.Throws<ArgumentException>(() => OmniFuseStrategy.Laziest(Array.Empty<double>()));
    }

    [Fact]
    public void PredictionsWithoutExplanationsKeepTheirColumns()
    {
        var p = new Predictions(TaskKind.Binary, new[] { "a", "b" }, new[] { "s1" }, new double[,] { { 0.25, 0.75 } }, new[] { 1 }, null,
            0.1, new Dictionary<string, float[,]>());
        Assert.Equal("sample_id,label,predicted,prob_a,prob_b\ns1,b,b,0.25,0.75\n", RunEvaluation.PredictionsCsv(p));
        var explained = p with
        {
            Explanations = new Dictionary<string, float[,]> { ["imputed"] = new float[,] { { 1, 0 } }, ["omega"] = new float[,] { { 0.5f, 0.25f } } },
            ExplanationModalities = new[] { "x", "y" },
        };
        Assert.Equal("sample_id,predicted,prob_a,prob_b,omega_x,omega_y,imputed_x,imputed_y\ns1,b,0.25,0.75,0.5,0.25,1,0\n",
            RunEvaluation.PredictionsCsv(explained, withLabels: false));
    }
}
