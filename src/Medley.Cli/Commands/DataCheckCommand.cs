using System.CommandLine;
using Medley.Data.Checks;

namespace Medley.Cli;

/// <summary>`medley data check --spec S`: validates a spec and every row/file, prints a summary and every problem.</summary>
internal static class DataCheckCommand
{
    public static Command Create()
    {
        var spec = new Option<FileInfo>("--spec") { Description = "The dataset spec (YAML).", Required = true };
        var command = new Command("check", "Validate a dataset spec and every row and file it names; print a summary and every problem (exit 1 on any error).");
        command.Options.Add(spec);
        command.SetAction(parseResult =>
        {
            var report = DatasetChecker.Check(parseResult.GetValue(spec)!.FullName);
            foreach (var line in report.Summary) Console.WriteLine(line);
            if (report.Problems.Count > 0)
            {
                Console.WriteLine();
                Console.WriteLine($"problems ({report.ErrorCount} errors, {report.WarningCount} warnings):");
                foreach (var p in report.Problems) Console.WriteLine("  " + p);
            }
            Console.WriteLine();
            Console.WriteLine(report.ErrorCount == 0
                ? $"ok: {report.Samples} samples, {report.Groups} groups, {report.WarningCount} warnings"
                : $"failed: {report.ErrorCount} errors, {report.WarningCount} warnings");
            return report.ErrorCount == 0 ? 0 : 1;
        });
        return command;
    }
}
