namespace Medley.Evaluation.Metrics;

/// <summary>Argument validation shared by the metrics, so every metric reports bad input the same way.</summary>
internal static class Check
{
    public static void SameLength(int a, int b, string nameA, string nameB)
    {
        if (a != b)
            throw new ArgumentException($"{nameA} has {a} entries but {nameB} has {b}; they must describe the same samples.");
    }

    public static void NotEmpty(int n, string name)
    {
        if (n == 0) throw new ArgumentException($"{name} is empty; a metric needs at least one sample.");
    }

    public static void Binary(int[] y, string name)
    {
        foreach (var v in y)
            if (v != 0 && v != 1)
                throw new ArgumentException($"{name} must contain only 0 and 1 (found {v}).");
    }

    public static void Binary(int[,] y, string name)
    {
        foreach (var v in y)
            if (v != 0 && v != 1)
                throw new ArgumentException($"{name} must contain only 0 and 1 (found {v}).");
    }

    public static void Finite(double[] s, string name)
    {
        foreach (var v in s)
            if (!double.IsFinite(v)) throw new ArgumentException($"{name} contains a non-finite value ({v}).");
    }

    public static void LabelsInRange(int[] y, int classes, string name)
    {
        foreach (var v in y)
            if (v < 0 || v >= classes)
                throw new ArgumentException($"{name} contains label {v}, outside 0..{classes - 1} (the score matrix has {classes} columns).");
    }

    public static double[] Column(double[,] m, int k)
    {
        var n = m.GetLength(0);
        var c = new double[n];
        for (var i = 0; i < n; i++) c[i] = m[i, k];
        return c;
    }

    public static int[] Column(int[,] m, int k)
    {
        var n = m.GetLength(0);
        var c = new int[n];
        for (var i = 0; i < n; i++) c[i] = m[i, k];
        return c;
    }
}
