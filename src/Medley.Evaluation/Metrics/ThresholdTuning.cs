namespace Medley.Evaluation.Metrics;

/// <summary>What a tuned decision threshold maximises.</summary>
public enum ThresholdCriterion
{
    /// <summary>F1 of the positive class.</summary>
    F1,
    /// <summary>Youden's J = sensitivity + specificity − 1 = TPR − FPR.</summary>
    YoudenJ,
}

/// <summary>A tuned threshold (predict positive when score ≥ Threshold) and the criterion value it reaches.</summary>
public sealed record TunedThreshold(double Threshold, double Value);

/// <summary>Chooses decision thresholds on validation scores (per label for multi-label problems).</summary>
public static class ThresholdTuning
{
    /// <summary>
    /// Best threshold among the distinct scores (every other threshold gives the same predictions as one of them).
    /// On equal criterion values the highest threshold wins. When yTrue has no positive (F1 is 0 everywhere,
    /// J undefined) the result is 0.5 with value 0, a neutral default.
    /// </summary>
    public static TunedThreshold Tune(int[] yTrue, double[] scores, ThresholdCriterion criterion = ThresholdCriterion.F1)
    {
        var (fps, tps, th) = BinaryCurves.Counts(yTrue, scores);
        var positives = tps[^1];
        var negatives = fps[^1];
        if (positives == 0 || (criterion == ThresholdCriterion.YoudenJ && negatives == 0))
            return new TunedThreshold(0.5, 0);
        var best = new TunedThreshold(th[0], double.NegativeInfinity);
        for (var i = 0; i < th.Length; i++)
        {
            var value = criterion switch
            {
                ThresholdCriterion.F1 => 2 * tps[i] / (tps[i] + fps[i] + positives),
                ThresholdCriterion.YoudenJ => tps[i] / positives - fps[i] / negatives,
                _ => throw new ArgumentOutOfRangeException(nameof(criterion)),
            };
            if (value > best.Value) best = new TunedThreshold(th[i], value);
        }
        return best;
    }

    /// <summary>One tuned threshold per label column.</summary>
    public static TunedThreshold[] TunePerLabel(int[,] yTrue, double[,] scores, ThresholdCriterion criterion = ThresholdCriterion.F1)
    {
        MultiLabel.CheckShapes(yTrue, scores);
        return Enumerable.Range(0, yTrue.GetLength(1))
            .Select(j => Tune(Check.Column(yTrue, j), Check.Column(scores, j), criterion)).ToArray();
    }
}
