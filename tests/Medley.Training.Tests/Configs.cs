namespace Medley.Training.Tests;

/// <summary>Tiny run configurations that train in a second or two on 2 cores.</summary>
public static class Configs
{
    public static RunConfig LabOnly(int epochs = 4, int seed = 3, params string[] extra)
    {
        var c = new RunConfig { Method = "lab-only" };
        c.Apply(new[]
        {
            "model.dim=16", $"training.epochs={epochs}", "training.batch_size=16", "training.learning_rate=0.02",
            "training.final_learning_rate=0.001", "training.warmup_epochs=1", "training.patience=0", "training.workers=0",
            $"training.seed={seed}", "evaluation.latency_runs=0",
        }.Concat(extra), Medley.Models.Methods.MethodRegistry.Get("lab-only").ConfigKeys);
        return c;
    }

    /// <summary>CMAP-Fusion with a 1-layer ViT (16 px images, 8 px patches, d = 16) and the token-form CMT.</summary>
    public static RunConfig Cmap(int epochs = 3, params string[] extra)
    {
        var c = new RunConfig { Method = "cmap-fusion" };
        c.Apply(new[]
        {
            "model.dim=16", "model.vit_layers=1", "model.vit_heads=2", "model.vit_mlp_dim=32", "model.patch_size=8", "model.cmt_heads=2",
            $"training.epochs={epochs}", "training.batch_size=16", "training.learning_rate=0.005", "training.warmup_epochs=1",
            "training.patience=0", "training.workers=0", "evaluation.latency_runs=20", "evaluation.latency_warmup=1",
            "evaluation.latency_batches=[1, 4]",
        }.Concat(extra), Medley.Models.Methods.MethodRegistry.Get("cmap-fusion").ConfigKeys);
        return c;
    }
}
