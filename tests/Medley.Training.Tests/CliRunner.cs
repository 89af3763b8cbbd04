using System.Reflection;

namespace Medley.Training.Tests;

/// <summary>Runs the `medley` command in process and captures its exit code, stdout and stderr.</summary>
internal static class CliRunner
{
    private static readonly Assembly Cli = Assembly.Load("medley");

    /// <summary>The built medley.dll, for tests that run it as a child process.</summary>
    public static string DllPath => Path.Combine(Path.GetDirectoryName(Cli.Location)!, "medley.dll");

    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var o = new StringWriter();
        using var e = new StringWriter();
        Console.SetOut(o);
        Console.SetError(e);
        try
        {
            return ((int)Cli.EntryPoint!.Invoke(null, new object[] { args })!, o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }
}
