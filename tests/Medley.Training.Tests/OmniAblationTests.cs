using Medley.Training.Experiments;

namespace Medley.Training.Tests;

/// <summary>OmniFuse's ablation rows (a)–(f) and their config keys; CMAP-Fusion's rows stay the default.</summary>
public sealed class OmniAblationTests
{
    [Fact]
    public void RowsFollowThePapersTable4()
    {
        var rows = OmniFuseAblation.Rows;
        Assert.Equal(["a", "b", "c", "d", "e", "f"], rows.Select(r => r.Letter));
        Assert.Equal("(a) concat", rows[0].Name);
        Assert.Equal("(b) dwfuse", rows[1].Name);
        Assert.Equal("(c) dwfuse+tla", rows[2].Name);
        Assert.Equal("(d) dwfuse+tla+imp-fw", rows[3].Name);
        Assert.Equal("(e) dwfuse+imp-fw+imp-bw", rows[4].Name);
        Assert.Equal("(f) dwfuse+tla+imp-fw+imp-bw", rows[5].Name);
        // IMP-bw only ever with IMP-fw (the backward CRA reads the forward one's output); (e) and (d) have three components.
        Assert.All(rows, r => Assert.True(!r.ImpBackward || r.ImpForward));
        Assert.Equal(3, rows[3].Modules.Count(m => m.Value));
        Assert.Equal(3, rows[4].Modules.Count(m => m.Value));
        Assert.Equal(new Dictionary<string, string> { ["use_dwfuse"] = "true", ["use_tla"] = "false", ["use_imputation"] = "true", ["use_backward"] = "true" },
            rows[4].Keys);
        Assert.Equal(["cmap-fusion", "omnifuse"], AblationRunner.RowSets);
    }

    [Fact]
    public void OmniRowsNeedAMethodWithTheSwitches()
    {
        using var data = new ToyDataset(20);
        var splits = CrossValidation.Splits(data.Spec, 0, 2, 1);
        var e = Assert.Throws<ArgumentException>(() => AblationRunner.Run("omnifuse", data.Spec, Configs.LabOnly(1), data.Path_("abl"), splits));
        Assert.Contains("use_dwfuse", e.Message);
        Assert.Throws<ArgumentException>(() => AblationRunner.Run("bogus", data.Spec, Configs.LabOnly(1), data.Path_("abl"), splits));
        var cli = CliRunner.Run("ablate", "--rows", "nope", "--spec", data.Spec, "--out", data.Path_("x"));
        Assert.Equal(1, cli.Code);
        Assert.Contains("--rows 'nope'", cli.Err);
        Assert.False(Directory.Exists(data.Path_("abl")));
    }
}
