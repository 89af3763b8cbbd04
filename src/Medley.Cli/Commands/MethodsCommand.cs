using System.CommandLine;
using Medley.Models.Methods;

namespace Medley.Cli;

/// <summary>`medley methods [--keys]`: the registered methods with their descriptions (and config keys).</summary>
internal static class MethodsCommand
{
    public static Command Create()
    {
        var keys = new Option<bool>("--keys") { Description = "Also list each method's config keys." };
        var command = new Command("methods", "List the methods Medley can train.") { keys };
        command.SetAction(parse =>
        {
            var methods = MethodRegistry.List();
            var width = methods.Max(m => m.Name.Length);
            foreach (var m in methods)
            {
                Console.WriteLine($"{m.Name.PadRight(width)}  {m.Description}");
                if (parse.GetValue(keys)) Console.WriteLine($"{new string(' ', width)}  keys: {string.Join(", ", m.ConfigKeys)}");
            }
            return 0;
        });
        return command;
    }
}
