namespace Medley.Evaluation.Metrics;

/// <summary>
/// A threshold-free metric (AUROC or average precision) per class/label with its averages.
/// A class with no positive (or, for AUROC, no negative) sample has an undefined score: its entry is NaN, it is
/// listed in <see cref="UndefinedClasses"/>, and Macro/Weighted average only the defined classes. scikit-learn raises
/// an error in that case instead; Medley keeps going because a class missing from one CV fold is common with rare
/// classes, and the flag lets the report say so.
/// </summary>
/// <param name="PerClass">One value per column of the score matrix (NaN where undefined).</param>
/// <param name="Macro">Unweighted mean of the defined per-class values (NaN if none is defined).</param>
/// <param name="Weighted">Mean of the defined per-class values weighted by their number of positives.</param>
/// <param name="Micro">The binary metric over all (sample, class) pairs pooled together.</param>
/// <param name="Support">Number of positive samples per class.</param>
public sealed record RankingSummary(double[] PerClass, double Macro, double Weighted, double Micro, long[] Support, int[] UndefinedClasses)
{
    public bool AllDefined => UndefinedClasses.Length == 0;
}

/// <summary>AUROC and average precision for multi-class (one-vs-rest) and multi-label problems.</summary>
public static class Ranking
{
    /// <summary>One-vs-rest AUROC of a multi-class problem: column k of <paramref name="probabilities"/> scores class k.</summary>
    public static RankingSummary AurocOneVsRest(int[] yTrue, double[,] probabilities) =>
        Summarise(OneHot(yTrue, probabilities), probabilities, BinaryCurves.Auroc);

    /// <summary>One-vs-rest average precision of a multi-class problem.</summary>
    public static RankingSummary AveragePrecisionOneVsRest(int[] yTrue, double[,] probabilities) =>
        Summarise(OneHot(yTrue, probabilities), probabilities, BinaryCurves.AveragePrecision);

    /// <summary>Per-label AUROC of a multi-label problem (indicator matrix yTrue [N, L], scores [N, L]).</summary>
    public static RankingSummary AurocMultiLabel(int[,] yTrue, double[,] scores)
    {
        MultiLabel.CheckShapes(yTrue, scores);
        return Summarise(yTrue, scores, BinaryCurves.Auroc);
    }

    /// <summary>Per-label average precision (AUPRC) of a multi-label problem.</summary>
    public static RankingSummary AveragePrecisionMultiLabel(int[,] yTrue, double[,] scores)
    {
        MultiLabel.CheckShapes(yTrue, scores);
        return Summarise(yTrue, scores, BinaryCurves.AveragePrecision);
    }

    /// <summary>Binary problem where column 1 of a two-column probability matrix is the positive class.</summary>
    public static double AurocBinary(int[] yTrue, double[,] probabilities)
    {
        if (probabilities.GetLength(1) != 2)
            throw new ArgumentException($"a binary probability matrix has 2 columns, this one has {probabilities.GetLength(1)}.");
        return BinaryCurves.Auroc(yTrue, Check.Column(probabilities, 1));
    }

    internal static int[,] OneHot(int[] yTrue, double[,] probabilities)
    {
        var n = probabilities.GetLength(0);
        var k = probabilities.GetLength(1);
        Check.SameLength(yTrue.Length, n, "yTrue", "probabilities rows");
        Check.LabelsInRange(yTrue, k, "yTrue");
        var oneHot = new int[n, k];
        for (var i = 0; i < n; i++) oneHot[i, yTrue[i]] = 1;
        return oneHot;
    }

    private static RankingSummary Summarise(int[,] y, double[,] s, Func<int[], double[], double> metric)
    {
        var n = y.GetLength(0);
        var k = y.GetLength(1);
        Check.NotEmpty(n, "yTrue");
        var per = new double[k];
        var support = new long[k];
        var undefined = new List<int>();
        double macroSum = 0, weightedSum = 0;
        long weightTotal = 0;
        var defined = 0;
        for (var c = 0; c < k; c++)
        {
            var yc = Check.Column(y, c);
            support[c] = yc.Sum();
            per[c] = metric(yc, Check.Column(s, c));
            if (double.IsNaN(per[c])) { undefined.Add(c); continue; }
            defined++;
            macroSum += per[c];
            weightedSum += per[c] * support[c];
            weightTotal += support[c];
        }
        var flatY = new int[n * k];
        var flatS = new double[n * k];
        for (var i = 0; i < n; i++)
            for (var c = 0; c < k; c++) { flatY[i * k + c] = y[i, c]; flatS[i * k + c] = s[i, c]; }
        var micro = metric(flatY, flatS);
        return new RankingSummary(per,
            defined == 0 ? double.NaN : macroSum / defined,
            weightTotal == 0 ? double.NaN : weightedSum / weightTotal,
            micro, support, undefined.ToArray());
    }
}
