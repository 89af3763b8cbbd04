using System.Runtime.InteropServices;
using Medley.Torch.Native;

namespace Medley.Torch;

/// <summary>Turns native failures into TorchExceptions naming the op and its inputs' shapes.</summary>
internal static class Errors
{
    public static string? TakeNativeMessage()
    {
        var p = NativeMethods.mdl_take_error();
        return p == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(p);
    }

    public static TorchException Take(string op, params Tensor?[] inputs) =>
        new(op, DescribeInputs(inputs), TakeNativeMessage() ?? "the native call failed without a message");

    public static void ThrowIfPending(string op, params Tensor?[] inputs)
    {
        var message = TakeNativeMessage();
        if (message != null) throw new TorchException(op, DescribeInputs(inputs), message);
    }

    public static string DescribeInputs(Tensor?[] inputs) =>
        inputs.Length == 0 ? "" : string.Join(", ", inputs.Select(t => t == null ? "none" : t.Describe()));

    /// <summary>Wraps a native result handle or throws with the op name and input shapes.</summary>
    public static Tensor Wrap(IntPtr handle, string op, Tensor a)
    {
        if (handle == IntPtr.Zero) throw Take(op, a);
        return new Tensor(handle);
    }

    public static Tensor Wrap(IntPtr handle, string op, Tensor a, Tensor? b)
    {
        if (handle == IntPtr.Zero) throw Take(op, a, b);
        return new Tensor(handle);
    }

    public static Tensor Wrap(IntPtr handle, string op, params Tensor?[] inputs)
    {
        if (handle == IntPtr.Zero) throw Take(op, inputs);
        return new Tensor(handle);
    }

    /// <summary>For factories that have no tensor inputs: the message names the arguments instead.</summary>
    public static Tensor WrapFactory(IntPtr handle, string op, string arguments)
    {
        if (handle == IntPtr.Zero)
            throw new TorchException(op, arguments, TakeNativeMessage() ?? "the native call failed without a message");
        return new Tensor(handle);
    }

    /// <summary>Checks a status-returning native call (0 = ok).</summary>
    public static void Check(int status, string op, params Tensor?[] inputs)
    {
        if (status != 0) throw Take(op, inputs);
    }
}
