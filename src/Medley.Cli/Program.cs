using System.CommandLine;
using Medley.Cli;
using Medley.Torch;

var threads = new Option<int?>("--threads")
{
    Description = $"libtorch intra-op threads (default: ${Engine.ThreadsVariable} or all cores)",
    Recursive = true,
};
var root = new RootCommand("Medley: multimodal medical prediction (images, labs/EHR, text) on libtorch.") { threads };
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(DataCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(CvCommand.Create());
root.Subcommands.Add(CompareCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(PredictCommand.Create());
root.Subcommands.Add(MethodsCommand.Create());
root.Subcommands.Add(ReportCommand.Create());
root.Subcommands.Add(SweepCommand.Create());
root.Subcommands.Add(AblateCommand.Create());
root.Subcommands.Add(PruneCommand.Create());
root.Subcommands.Add(EmbedCommand.Create());
return CliErrors.Run(() =>
{
    var parsed = root.Parse(args);
    if (parsed.Errors.Count == 0 && parsed.GetValue(threads) is { } n)
    {
        if (n < 1) throw new ArgumentException($"--threads must be at least 1 (got {n}).");
        Engine.Threads = n;
    }
    // Our handler prints user errors as one line; System.CommandLine's would print a stack trace.
    return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
});
