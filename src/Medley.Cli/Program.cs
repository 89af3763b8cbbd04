using System.CommandLine;
using Medley.Cli;

var root = new RootCommand("Medley: multimodal medical prediction (images, labs/EHR, text) on libtorch.");
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(DataCommand.Create());
return CliErrors.Run(() => root.Parse(args).Invoke());
