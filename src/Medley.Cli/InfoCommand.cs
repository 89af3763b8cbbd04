using System.CommandLine;
using Medley.Torch;

namespace Medley.Cli;

/// <summary>`medley info`: what the engine runs on (threads, live tensors) — a quick installation check.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show the engine's settings: libtorch threads and a tiny computation as a self-check.");
        command.SetAction(_ =>
        {
            using var scope = DisposeScope.Enter();
            var check = (Tensor.Ones(2, 2) * 3.0).Sum().Item();
            Console.WriteLine($"libtorch intra-op threads: {Engine.Threads} (set {Engine.ThreadsVariable} to change)");
            Console.WriteLine($"cores: {Environment.ProcessorCount}");
            Console.WriteLine($"self-check (sum of 3·ones(2,2)): {check}");
            return check == 12.0 ? 0 : 1;
        });
        return command;
    }
}
