using Medley.Torch;

namespace Medley.Cli;

/// <summary>Prints user-caused errors as one clear line (no stack trace) and maps them to a non-zero exit.</summary>
internal static class CliErrors
{
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or TorchException
                                      or DllNotFoundException or InvalidOperationException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"medley: error: {e.Message}");
            return 1;
        }
    }
}
