using System.Text.Json;

namespace Medley.Evaluation.Tests;

/// <summary>
/// Reads the JSON fixtures written by tests/reference/make_metrics_fixtures.py (null = NaN, "inf" = +∞).
/// </summary>
public static class JsonFixture
{
    public static JsonElement Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", name + ".json");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement;
    }

    public static double D(this JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => double.NaN,
        JsonValueKind.String => e.GetString() == "inf" ? double.PositiveInfinity : double.NegativeInfinity,
        _ => e.GetDouble(),
    };

    public static double[] Doubles(this JsonElement e) => e.EnumerateArray().Select(D).ToArray();
    public static int[] Ints(this JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    public static double[,] DoubleMatrix(this JsonElement e)
    {
        var rows = e.EnumerateArray().Select(Doubles).ToArray();
        var m = new double[rows.Length, rows.Length == 0 ? 0 : rows[0].Length];
        for (var i = 0; i < rows.Length; i++)
            for (var j = 0; j < rows[i].Length; j++) m[i, j] = rows[i][j];
        return m;
    }

    public static int[,] IntMatrix(this JsonElement e)
    {
        var rows = e.EnumerateArray().Select(Ints).ToArray();
        var m = new int[rows.Length, rows.Length == 0 ? 0 : rows[0].Length];
        for (var i = 0; i < rows.Length; i++)
            for (var j = 0; j < rows[i].Length; j++) m[i, j] = rows[i][j];
        return m;
    }
}

/// <summary>Absolute-tolerance comparisons that treat NaN as equal to NaN and name the failing quantity.</summary>
public static class Near
{
    public const double Tol = 1e-9;

    public static void Equal(double expected, double actual, string what, double tol = Tol)
    {
        if (double.IsNaN(expected) && double.IsNaN(actual)) return;
        if (double.IsInfinity(expected) && expected == actual) return;
        Assert.True(Math.Abs(expected - actual) <= tol, $"{what}: expected {expected:R}, got {actual:R}");
    }

    public static void Equal(double[] expected, double[] actual, string what, double tol = Tol)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}");
        for (var i = 0; i < expected.Length; i++) Equal(expected[i], actual[i], $"{what}[{i}]", tol);
    }
}
