using Medley.Models.Methods.CmapFusion;

namespace Medley.Models.Tests;

/// <summary>The tiny configurations of tests/reference/make_cmap_fixtures.py (bench/reference/cmap_fusion.py TINY).</summary>
internal static class TinyConfigs
{
    public static readonly CmapFusionConfig Base = new()
    {
        NumClasses = 3, LabSteps = 5, LabVariables = 3, ImageSize = 16, PatchSize = 4, VitLayers = 2, VitHeads = 2,
        VitMlpDim = 32, Dim = 16, LabHidden = 16, InChannels = 3, CnnChannels = new[] { 4, 8, 8 }, Gamma = 0.3,
        CmtHeads = 8, Lambda1 = 0.1, Lambda2 = 0.01, CmtForm = "vector",
    };

    public static CmapFusionConfig Variant(string name) => name switch
    {
        "vector" => Base,
        "tokens" => Base with { CmtForm = "tokens" },
        "no_vit" => Base with { UseVit = false, CmtForm = "tokens" },
        "no_trim" => Base with { UseSmartTrim = false, CmtForm = "tokens" },
        "no_cmt" => Base with { UseCmt = false },
        "none" => Base with { UseVit = false, UseSmartTrim = false, UseCmt = false },
        _ => throw new ArgumentException(name),
    };
}
