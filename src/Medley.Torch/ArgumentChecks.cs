namespace Medley.Torch;

/// <summary>
/// Checks for enum values that libtorch does not reject cleanly: an undefined dtype or device-type number
/// (e.g. a cast integer) aborts the process inside c10 instead of throwing.
/// </summary>
internal static class ArgumentChecks
{
    public static DType Known(DType dtype)
    {
        if (!Enum.IsDefined(dtype))
            throw new ArgumentException($"{(int)dtype} is not a known dtype; use a DType member such as DType.Float32.", nameof(dtype));
        return dtype;
    }

    public static Device Known(Device device)
    {
        if (!Enum.IsDefined(device.Type))
            throw new ArgumentException($"{(int)device.Type} is not a known device type; use Device.CPU or Device.CUDA(n).", nameof(device));
        if (device.Index < -1)
            throw new ArgumentException($"device index {device.Index} is negative.", nameof(device));
        return device;
    }

    /// <summary>Validates factory options and returns the device (CPU when none is given).</summary>
    public static Device Options(DType dtype, Device? device)
    {
        Known(dtype);
        return Known(device ?? Device.CPU);
    }
}
