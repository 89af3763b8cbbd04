namespace Medley.Torch;

/// <summary>A libtorch failure: the op that failed, its input shapes and libtorch's own message.</summary>
public sealed class TorchException : Exception
{
    public string Op { get; }
    public string NativeMessage { get; }

    public TorchException(string op, string inputs, string nativeMessage)
        : base($"{op} failed{(inputs.Length > 0 ? $" for inputs {inputs}" : "")}: {FirstLines(nativeMessage)}")
    {
        Op = op;
        NativeMessage = nativeMessage;
    }

    // libtorch messages can carry long C++ context; the first lines say what went wrong.
    private static string FirstLines(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(" ", lines.Take(3)).Trim();
    }
}
