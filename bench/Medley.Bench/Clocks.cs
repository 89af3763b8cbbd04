using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Medley.Bench;

/// <summary>One timed run: wall-clock and (for single-thread loops) the calling thread's CPU time, µs per op.</summary>
public readonly record struct Timing(double Wall, double? ThreadCpu);

/// <summary>
/// Wall time plus the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so tiny-op loops can also be compared
/// on a machine shared with other jobs: thread CPU time leaves out the time the thread waited for a core.
/// </summary>
public readonly struct OpClock
{
    private const int ClockThreadCpuTime = 3; // Linux CLOCK_THREAD_CPUTIME_ID

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc.so.6", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private readonly long _startTicks;
    private readonly double _startCpuMicros;

    private OpClock(long startTicks, double startCpuMicros)
    {
        _startTicks = startTicks;
        _startCpuMicros = startCpuMicros;
    }

    private static double ThreadCpuMicros()
    {
        ClockGetTime(ClockThreadCpuTime, out var t);
        return t.Seconds * 1e6 + t.Nanoseconds / 1e3;
    }

    public static OpClock Start()
    {
        var cpu = ThreadCpuMicros();
        return new OpClock(Stopwatch.GetTimestamp(), cpu);
    }

    /// <summary>Both clocks' elapsed microseconds divided by <paramref name="ops"/>.</summary>
    public Timing PerOp(int ops)
    {
        var wall = Stopwatch.GetElapsedTime(_startTicks).TotalMicroseconds;
        var cpu = ThreadCpuMicros() - _startCpuMicros;
        return new Timing(wall / ops, cpu / ops);
    }
}
