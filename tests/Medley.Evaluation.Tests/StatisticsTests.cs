using System.Text.Json;
using Medley.Evaluation.Metrics;
using Medley.Evaluation.Statistics;

namespace Medley.Evaluation.Tests;

/// <summary>Distributions, fold summaries and paired tests against scipy 1.10 (fixtures/stats.json).</summary>
public class StatisticsTests
{
    private static readonly JsonElement Stats = JsonFixture.Load("stats");

    [Fact]
    public void IncompleteBetaMatchesScipy()
    {
        foreach (var c in Stats.GetProperty("betainc").EnumerateArray())
        {
            double a = c.GetProperty("a").D(), b = c.GetProperty("b").D(), x = c.GetProperty("x").D();
            Near.Equal(c.GetProperty("value").D(), SpecialFunctions.IncompleteBeta(a, b, x), $"I_{x}({a},{b})", 1e-12);
        }
    }

    [Fact]
    public void StudentTCdfMatchesScipy()
    {
        foreach (var c in Stats.GetProperty("t_cdf").EnumerateArray())
        {
            double t = c.GetProperty("t").D(), df = c.GetProperty("df").D();
            Near.Equal(c.GetProperty("value").D(), StudentT.Cdf(t, df), $"cdf({t}; {df})", 1e-12);
        }
    }

    [Fact]
    public void StudentTQuantileMatchesScipy()
    {
        foreach (var c in Stats.GetProperty("t_ppf").EnumerateArray())
        {
            double p = c.GetProperty("p").D(), df = c.GetProperty("df").D();
            var expected = c.GetProperty("value").D();
            var q = StudentT.Quantile(p, df);
            // scipy's stdtrit is itself only good to a few 1e-9 (ppf(0.9, 3) = 1.6377443572 whereas the root of
            // scipy's own cdf is 1.6377443537), so compare loosely with it and tightly with the cdf it inverts.
            Near.Equal(expected, q, $"ppf({p}; {df})", 1e-8 * Math.Max(1, Math.Abs(expected)));
            Near.Equal(p, StudentT.Cdf(q, df), $"cdf(ppf({p}; {df}))", 1e-13);
        }
        // A tabulated value as an independent anchor: t_{0.975, 4} = 2.776445.
        Assert.Equal(2.776445, StudentT.Quantile(0.975, 4), 6);
    }

    [Fact]
    public void FoldSummaryMatchesScipyInterval()
    {
        foreach (var c in Stats.GetProperty("mean_ci").EnumerateArray())
        {
            var s = FoldSummary.Of(c.GetProperty("x").Doubles());
            Near.Equal(c.GetProperty("mean").D(), s.Mean, "mean");
            Near.Equal(c.GetProperty("std").D(), s.Std, "std");
            Near.Equal(c.GetProperty("ci_low").D(), s.CiLow, "ci_low");
            Near.Equal(c.GetProperty("ci_high").D(), s.CiHigh, "ci_high");
        }
    }

    [Fact]
    public void FoldSummaryFormatsMeanStdAndInterval()
    {
        var s = new FoldSummary(5, 0.9123, 0.0131, 0.8961, 0.9285, 0.95);
        Assert.Equal("0.912 ± 0.013 [0.90, 0.93]", s.Format());
        Assert.Equal("0.700", FoldSummary.Of([0.7]).Format());
        Assert.True(double.IsNaN(FoldSummary.Of([0.7]).Std));
    }

    [Fact]
    public void PairedTTestMatchesScipy()
    {
        foreach (var c in Stats.GetProperty("paired_t").EnumerateArray())
        {
            var r = PairedTests.TTest(c.GetProperty("a").Doubles(), c.GetProperty("b").Doubles());
            Near.Equal(c.GetProperty("t").D(), r.Statistic, "t", 1e-9 * Math.Max(1, Math.Abs(r.Statistic)));
            Near.Equal(c.GetProperty("df").D(), r.DegreesOfFreedom, "df");
            Near.Equal(c.GetProperty("p").D(), r.PValue, "p");
        }
    }

    [Fact]
    public void WilcoxonMatchesScipyExactAndApproximate()
    {
        var sawExact = false;
        var sawApprox = false;
        foreach (var c in Stats.GetProperty("wilcoxon").EnumerateArray())
        {
            var r = PairedTests.Wilcoxon(c.GetProperty("a").Doubles(), c.GetProperty("b").Doubles());
            Near.Equal(c.GetProperty("statistic").D(), r.Statistic, "W");
            Near.Equal(c.GetProperty("p").D(), r.PValue, "p");
            if (c.GetProperty("exact").GetBoolean()) sawExact = true; else sawApprox = true;
        }
        Assert.True(sawExact && sawApprox);
    }

    [Fact]
    public void PairedTestsRejectMismatchedFolds()
    {
        Assert.Contains("same folds", Assert.Throws<ArgumentException>(() => PairedTests.TTest([1, 2, 3], [1, 2])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => StudentT.Quantile(1.0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => StudentT.Cdf(0, 0));
    }

    [Fact]
    public void BootstrapIsSeededAndCoversTheEstimate()
    {
        var rng = new Random(3);
        var y = Enumerable.Range(0, 200).Select(i => i % 2).ToArray();
        var s = y.Select(v => v + rng.NextDouble() * 1.5).ToArray();
        double Auc(int[] idx) => BinaryCurves.Auroc(idx.Select(i => y[i]).ToArray(), idx.Select(i => s[i]).ToArray());
        var a = Bootstrap.PercentileInterval(y.Length, Auc, resamples: 300, seed: 11);
        var b = Bootstrap.PercentileInterval(y.Length, Auc, resamples: 300, seed: 11);
        Assert.Equal(a, b);
        Assert.True(a.Low < a.Estimate && a.Estimate < a.High, $"{a}");
        Assert.True(a.High - a.Low < 0.15 && a.High <= 1, $"{a}");
        Assert.Equal(300, a.ValidResamples);
        // A tiny set where many resamples miss a class: those are skipped and counted.
        var c = Bootstrap.PercentileInterval(3, idx => BinaryCurves.Auroc(idx.Select(i => i == 0 ? 1 : 0).ToArray(), idx.Select(i => (double)i).ToArray()), 200, seed: 1);
        Assert.InRange(c.ValidResamples, 1, 199);
    }

    [Fact]
    public void DescriptiveQuantileAndMedian()
    {
        Assert.Equal(2.5, Descriptive.Median([4, 1, 3, 2]));
        Assert.Equal(1.75, Descriptive.Quantile([1, 2, 3, 4], 0.25));
        Assert.Equal(Math.Sqrt(2.5), Descriptive.SampleStd([1, 2, 3, 4, 5]), 14);
    }
}
