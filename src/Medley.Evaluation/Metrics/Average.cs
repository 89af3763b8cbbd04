namespace Medley.Evaluation.Metrics;

/// <summary>How per-class (or per-label) values are combined into one number, as in scikit-learn.</summary>
public enum Average
{
    /// <summary>Unweighted mean over classes.</summary>
    Macro,
    /// <summary>Pool the counts (or, for AUROC, all (sample, label) pairs) before computing.</summary>
    Micro,
    /// <summary>Mean over classes weighted by each class's support (number of true samples).</summary>
    Weighted,
}

/// <summary>Weighting of disagreements for Cohen's kappa.</summary>
public enum KappaWeighting { None, Linear, Quadratic }
