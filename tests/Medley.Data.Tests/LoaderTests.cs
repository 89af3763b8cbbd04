using Medley.Data.Batching;
using Medley.Data.Datasets;
using Medley.Data.Splits;
using Medley.Torch;
using Medley.Torch.Tests;

namespace Medley.Data.Tests;

[Collection(SerialCollection.Name)]
public class LoaderTests
{
    /// <summary>40 samples in 20 patients: labs (some rows empty), a text note (some empty), an embedding (some missing).</summary>
    private static MultimodalDataset Make(TempDataset d, Func<int, string>? hb = null)
    {
        hb ??= i => (10 + i % 7).ToString();
        var lines = new List<string> { "id,pid,y,hb,sex,note,emb" };
        for (var i = 0; i < 40; i++)
        {
            var labs = i % 5 == 4 ? ",," : $"{hb(i)},{(i % 2 == 0 ? "m" : "f")},";
            var note = i % 3 == 0 ? "" : "chest pain";
            var emb = i % 4 == 0 ? "" : $"e{i}.npy";
            if (emb.Length > 0) Embeddings.NpyFile.Save(d.PathOf(emb), new float[] { i, -i }, new long[] { 2 });
            lines.Add($"s{i},p{i / 2},{i % 3},{labs}{note},{emb}");
        }
        d.Write("samples.csv", string.Join("\n", lines));
        d.Write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nchest\npain\n");
        d.Write("spec.yaml", """
            manifest: samples.csv
            sample_id: id
            group_id: pid
            label: {task: multiclass, column: y}
            modalities:
              - {name: labs, kind: tabular, numeric: [hb], categorical: [sex]}
              - {name: note, kind: text, column: note, vocab: vocab.txt, max_length: 5}
              - {name: frozen, kind: embedding, column: emb}
            """);
        return MultimodalDataset.Open(d.PathOf("spec.yaml"));
    }

    private static List<(string[] Ids, float[] Labs, long[] Note)> Collect(DataLoader loader, int epoch)
    {
        var result = new List<(string[], float[], long[])>();
        foreach (var b in loader.Epoch(epoch))
            using (b)
                result.Add((b.SampleIds.ToArray(), b.Inputs["labs"].ToArray<float>(), b.Inputs["note"].ToArray<long>()));
        return result;
    }

    [Fact]
    public void SameSeedGivesIdenticalBatchesWhateverTheWorkers()
    {
        using var d = new TempDataset();
        var ds = Make(d);
        ds.Fit(Enumerable.Range(0, 30).ToArray());
        var rows = Enumerable.Range(0, 40).ToArray();
        var a = Collect(new DataLoader(ds, rows, new DataLoaderOptions { BatchSize = 8, Shuffle = true, Seed = 3, Workers = 0 }), 0);
        var b = Collect(new DataLoader(ds, rows, new DataLoaderOptions { BatchSize = 8, Shuffle = true, Seed = 3, Workers = 3, Prefetch = 2 }), 0);
        var c = Collect(new DataLoader(ds, rows, new DataLoaderOptions { BatchSize = 8, Shuffle = true, Seed = 4, Workers = 2 }), 0);
        var e1 = Collect(new DataLoader(ds, rows, new DataLoaderOptions { BatchSize = 8, Shuffle = true, Seed = 3, Workers = 2 }), 1);
        Assert.Equal(5, a.Count);
        for (var i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Ids, b[i].Ids);
            Assert.Equal(a[i].Labs, b[i].Labs);
            Assert.Equal(a[i].Note, b[i].Note);
        }
        Assert.NotEqual(a.SelectMany(x => x.Ids), c.SelectMany(x => x.Ids));
        Assert.NotEqual(a.SelectMany(x => x.Ids), e1.SelectMany(x => x.Ids)); // a new epoch reshuffles
        Assert.Equal(a.SelectMany(x => x.Ids).Order(), rows.Select(r => $"s{r}").Order());
    }

    [Fact]
    public void PresenceMasksLabelsAndShapes()
    {
        using var d = new TempDataset();
        var ds = Make(d);
        ds.Fit(Enumerable.Range(0, 40).ToArray());
        var loader = new DataLoader(ds, Enumerable.Range(0, 40).ToArray(), new DataLoaderOptions { BatchSize = 12, Workers = 2 });
        Assert.Equal(4, loader.BatchCount);
        var seen = 0;
        foreach (var batch in loader.Epoch())
        {
            using (batch)
            {
                using var scope = DisposeScope.Enter();
                var ids = batch.Indices;
                Assert.Equal(ids.Select(i => i % 5 != 4), batch.Present["labs"].ToArray<bool>());
                Assert.Equal(ids.Select(i => i % 3 != 0), batch.Present["note"].ToArray<bool>());
                Assert.Equal(ids.Select(i => i % 4 != 0), batch.Present["frozen"].ToArray<bool>());
                Assert.Equal(new long[] { ids.Count, 5 }, batch.Inputs["note"].Shape);
                Assert.Equal(new long[] { ids.Count, 5 }, batch.Masks["note"].Shape);
                Assert.Equal(new long[] { ids.Count, 2 }, batch.Inputs["frozen"].Shape);
                Assert.Equal(DType.Int64, batch.Labels.DType);
                Assert.Equal(ids.Select(i => (long)(i % 3)), batch.Labels.ToArray<long>());
                var frozen = batch.Inputs["frozen"].ToArray<float>();
                var labs = batch.Inputs["labs"].ToArray<float>();
                var width = (int)batch.Inputs["labs"].Shape[1];
                for (var k = 0; k < ids.Count; k++)
                {
                    // Absent samples are zeros; present ones carry their values.
                    Assert.Equal(ids[k] % 4 == 0 ? 0f : ids[k], frozen[2 * k]);
                    if (ids[k] % 5 == 4) Assert.All(labs.Skip(k * width).Take(width), v => Assert.Equal(0f, v));
                }
                var mask = batch.Masks["note"].ToArray<long>();
                Assert.Equal(ids[0] % 3 == 0 ? new long[] { 0, 0, 0, 0, 0 } : new long[] { 1, 1, 1, 1, 0 }, mask[..5]);
                seen += batch.Size;
            }
        }
        Assert.Equal(40, seen);
        Assert.Equal(3, new DataLoader(ds, Enumerable.Range(0, 40).ToArray(), new DataLoaderOptions { BatchSize = 12, DropLast = true }).BatchCount);
    }

    [Fact]
    public void TestRowsDoNotInfluenceFittedStatistics()
    {
        // Two datasets identical on the training rows; the second has wild lab values on every non-training row.
        using var d1 = new TempDataset();
        using var d2 = new TempDataset();
        var clean = Make(d1);
        var split = Splitter.HoldOut(clean, 9).Resolve(clean)[0];
        var test = split.Validation.Concat(split.Test).ToHashSet();
        var wild = Make(d2, i => test.Contains(i) ? (1000 + 97 * i).ToString() : (10 + i % 7).ToString());
        clean.Fit(split.Train);
        wild.Fit(split.Train);
        Assert.Equal(clean.SavePreprocessing()["labs"], wild.SavePreprocessing()["labs"]);
        var a = Collect(new DataLoader(clean, split.Train, new DataLoaderOptions { BatchSize = 4, Workers = 1 }), 0);
        var b = Collect(new DataLoader(wild, split.Train, new DataLoaderOptions { BatchSize = 4, Workers = 1 }), 0);
        Assert.Equal(a.SelectMany(x => x.Labs), b.SelectMany(x => x.Labs));
        // Sanity: fitting on every row does change the statistics, so the test above can fail.
        wild.Fit(Enumerable.Range(0, wild.Count).ToArray());
        Assert.NotEqual(clean.SavePreprocessing()["labs"], wild.SavePreprocessing()["labs"]);
    }

    [Fact]
    public void BreakingOutFreesPreparedBatchesAndErrorsPropagate()
    {
        using var d = new TempDataset();
        var ds = Make(d);
        ds.Fit(Enumerable.Range(0, 40).ToArray());
        var before = LiveTensorCount.Settled();
        var loader = new DataLoader(ds, Enumerable.Range(0, 40).ToArray(), new DataLoaderOptions { BatchSize = 2, Workers = 2, Prefetch = 3 });
        foreach (var batch in loader.Epoch())
        {
            batch.Dispose();
            break;
        }
        Assert.Equal(before, Engine.LiveTensors);

        File.Delete(d.PathOf("e1.npy"));
        File.WriteAllText(d.PathOf("e1.npy"), "corrupt");
        var e = Assert.Throws<Problems.DataException>(() =>
        {
            foreach (var batch in new DataLoader(ds, new[] { 0, 1, 2 }, new DataLoaderOptions { BatchSize = 3, Workers = 1 }).Epoch()) batch.Dispose();
        });
        Assert.Contains("magic", e.Message);
        Assert.Equal(before, Engine.LiveTensors);
    }

    [Fact]
    public void BadOptionsAreRejected()
    {
        using var d = new TempDataset();
        var ds = Make(d);
        Assert.Throws<ArgumentException>(() => new DataLoader(ds, new[] { 0 }, new DataLoaderOptions { BatchSize = 0 }));
        Assert.Throws<ArgumentException>(() => new DataLoader(ds, new[] { 99 }));
    }
}
