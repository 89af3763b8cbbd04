namespace Medley.Torch.Tests;

/// <summary>
/// The live-tensor count is process-wide, and a tensor an earlier test dropped without disposing leaves it only when
/// its finalizer runs, at whatever GC comes next: in the middle of a later test that compares counts (a run once saw
/// 16 fewer tensors at step 101 of the leak test). Counting tests take their baseline after settling that queue.
/// </summary>
public static class LiveTensorCount
{
    public static long Settled()
    {
        // Twice: a finalized object can be the last reference to another finalizable one.
        for (var i = 0; i < 2; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return Engine.LiveTensors;
    }
}
