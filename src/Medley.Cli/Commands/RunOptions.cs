using System.CommandLine;
using Medley.Models.Methods;
using Medley.Training;

namespace Medley.Cli;

/// <summary>Options shared by `medley train` and `medley cv`: spec, method, config file, --set overrides, output folder.</summary>
internal sealed class RunOptions
{
    public Option<string?> Spec { get; } = new("--spec") { Description = "The dataset spec (YAML)." };
    public Option<string?> Method { get; } = new("--method") { Description = "Method name (see `medley methods`); overrides the config file's." };
    public Option<string?> Config { get; } = new("--config") { Description = "YAML config file (method, model, training, evaluation, inputs sections); see configs/." };
    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "Override a config key: section.key=value or key=value (e.g. training.epochs=5, dim=64). Repeatable.",
        AllowMultipleArgumentsPerToken = false,
    };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Spec, Method, Config, Set }) command.Options.Add(o);
    }

    /// <summary>The config file (if any), then --method, then the --set overrides, checked against the method's keys.</summary>
    public RunConfig Resolve(ParseResult parse, string? methodOverride = null) => Resolve(parse, methodOverride, applySet: true);

    /// <summary>
    /// One config per method for a comparison: --set keys go to the methods that have them (an error only when no
    /// method has a key); prints which methods a key skipped.
    /// </summary>
    public List<RunConfig> ResolveMany(ParseResult parse, IReadOnlyList<string> methods)
    {
        var configs = methods.Select(m => Resolve(parse, m, applySet: false)).ToList();
        var skipped = Medley.Training.Experiments.SharedOverrides.Apply(configs, parse.GetValue(Set) ?? Array.Empty<string>());
        foreach (var (method, keys) in skipped.Where(kv => kv.Value.Count > 0))
            Console.WriteLine($"{method}: --set {string.Join(", ", keys)} not applied (the method has no such key)");
        return configs;
    }

    private RunConfig Resolve(ParseResult parse, string? methodOverride, bool applySet)
    {
        var path = parse.GetValue(Config);
        var config = path != null ? RunConfig.Load(path) : new RunConfig();
        if ((methodOverride ?? parse.GetValue(Method)) is { } m) config.Method = m;
        if (config.Method == null) throw new ArgumentException("no method given: pass --method NAME (see `medley methods`) or a --config file with `method:`.");
        var keys = MethodRegistry.Get(config.Method).ConfigKeys;
        if (applySet) config.Apply(parse.GetValue(Set) ?? Array.Empty<string>(), keys);
        return config;
    }

    public string RequireSpec(ParseResult parse, RunConfig? config = null) =>
        parse.GetValue(Spec) ?? config?.Spec ?? throw new ArgumentException("--spec is required (the dataset spec YAML).");

    public static TrainerHooks Hooks(string title) => new() { Progress = ConsoleProgress.Create(), Title = title };
}
