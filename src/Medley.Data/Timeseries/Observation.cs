namespace Medley.Data.Timeseries;

/// <summary>One measured value of one variable at one time.</summary>
public readonly record struct Observation(double Time, int Variable, double Value);
