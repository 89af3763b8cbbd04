namespace Medley.Cli; internal static class DemoCommand { public static System.CommandLine.Command Create() => new("demo", "placeholder"); }
