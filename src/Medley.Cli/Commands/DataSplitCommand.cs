using System.CommandLine;
using Medley.Data.Datasets;
using Medley.Data.Splits;

namespace Medley.Cli;

/// <summary>`medley data split --spec S --out F`: grouped, stratified hold-out or repeated k-fold splits to a JSON file.</summary>
internal static class DataSplitCommand
{
    public static Command Create()
    {
        var spec = new Option<FileInfo>("--spec") { Description = "The dataset spec (YAML).", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the split file (JSON).", Required = true };
        var method = new Option<string>("--method") { Description = "holdout (7:2:1) or kfold.", DefaultValueFactory = _ => "holdout" };
        method.AcceptOnlyFromAmong("holdout", "kfold");
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed gives the same split.", DefaultValueFactory = _ => 0 };
        var folds = new Option<int>("--folds") { Description = "k for k-fold.", DefaultValueFactory = _ => 5 };
        var repeats = new Option<int>("--repeats") { Description = "Repeats of k-fold.", DefaultValueFactory = _ => 3 };
        var command = new Command("split", "Write patient-level (grouped), label-stratified splits of a dataset to a split file.");
        foreach (var o in new Option[] { spec, output, method, seed, folds, repeats }) command.Options.Add(o);
        command.SetAction(parseResult =>
        {
            var dataset = MultimodalDataset.Open(parseResult.GetValue(spec)!.FullName);
            var file = parseResult.GetValue(method) == "kfold"
                ? Splitter.KFold(dataset, parseResult.GetValue(seed), parseResult.GetValue(folds), parseResult.GetValue(repeats))
                : Splitter.HoldOut(dataset, parseResult.GetValue(seed));
            var path = parseResult.GetValue(output)!.FullName;
            file.Save(path);
            foreach (var s in file.Resolve(dataset))
                Console.WriteLine($"{s.Name}: train {s.Train.Length}, validation {s.Validation.Length}, test {s.Test.Length}");
            Console.WriteLine($"wrote {file.Splits.Count} split(s) to {path}");
            return 0;
        });
        return command;
    }
}
