using System.CommandLine;

namespace Medley.Cli;

/// <summary>`medley data ...`: dataset checks and splits.</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "Work with dataset specs: validate them and make patient-level splits.");
        command.Subcommands.Add(DataCheckCommand.Create());
        command.Subcommands.Add(DataSplitCommand.Create());
        command.Subcommands.Add(DataSynthCommand.Create());
        return command;
    }
}
