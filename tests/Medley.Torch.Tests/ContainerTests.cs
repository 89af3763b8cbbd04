using Medley.Torch.NN;

namespace Medley.Torch.Tests;

public class ContainerTests
{
    /// <summary>Adds a learnable per-feature offset: a tiny layer with one parameter for container tests.</summary>
    private sealed class Shift : Module<Tensor, Tensor>
    {
        private readonly Parameter offset;
        public Shift(float value) => offset = new Parameter(Tensor.From(new[] { value, value }));
        public override Tensor Forward(Tensor input) => input + offset;
    }

    [Fact]
    public void SequentialNamesChildrenByPositionAndChainsForward()
    {
        using var scope = DisposeScope.Enter();
        using var seq = new Sequential(new Linear(2, 3), new Linear(3, 2), new Shift(1));
        Assert.Equal(new[] { "0.weight", "0.bias", "1.weight", "1.bias", "2.offset" }, seq.NamedParameters().Select(p => p.Name));
        Assert.Equal(3, seq.Count);
        Assert.IsType<Shift>(seq[-1]);

        var x = Tensor.From(new float[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
        var expected = seq[2].Forward(seq[1].Forward(seq[0].Forward(x)));
        AssertClose.Equal(expected, seq.Forward(x), what: "sequential forward");
    }

    [Fact]
    public void SequentialWithNamedLayersUsesTheNames()
    {
        using var seq = new Sequential(("head", (Module<Tensor, Tensor>)new Linear(2, 2)));
        seq.Add("shift", new Shift(0));
        Assert.Equal(new[] { "head.weight", "head.bias", "shift.offset" }, seq.NamedParameters().Select(p => p.Name));
        Assert.IsType<Linear>(seq["head"]);
        Assert.Throws<KeyNotFoundException>(() => seq["tail"]);
        Assert.Throws<ArgumentException>(() => seq.Add("head", new Shift(0)));
        Assert.Throws<ArgumentException>(() => seq.Add("a.b", new Shift(0)));
    }

    [Fact]
    public void NestedContainersGiveDottedStateDictNamesAndLoad()
    {
        using var scope = DisposeScope.Enter();
        using var source = new Sequential(new Sequential(new Linear(2, 2)), new Shift(3));
        using var target = new Sequential(new Sequential(new Linear(2, 2)), new Shift(0));
        var sd = source.StateDict();
        Assert.Contains("0.0.weight", sd.Keys);
        target.LoadStateDict(sd);
        var x = Tensor.Ones(1, 2);
        AssertClose.Equal(source.Forward(x), target.Forward(x), what: "loaded copy");
    }

    [Fact]
    public void ModuleListRegistersReplacesAndIndexes()
    {
        using var list = new ModuleList<Linear>(new Linear(2, 2), new Linear(2, 3));
        list.Add(new Linear(3, 1));
        Assert.Equal(3, list.Count);
        Assert.Equal(6, list.NamedParameters().Count());
        Assert.Equal("2.weight", list.NamedParameters().ElementAt(4).Name);
        Assert.Equal(1, list[-1].OutFeatures);

        var replaced = list[0];
        list[0] = new Linear(2, 5);
        Assert.Equal(new long[] { 5, 2 }, list.NamedParameters().First(p => p.Name == "0.weight").Parameter.Shape);
        replaced.Dispose();
        Assert.Throws<ArgumentOutOfRangeException>(() => list[3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[-4]);
    }

    [Fact]
    public void ModuleDictKeepsInsertionOrderAndPropagatesTrainingMode()
    {
        using var dict = new ModuleDict { ["encoder"] = new Linear(2, 2), ["head"] = new ModuleList(new Linear(2, 1)) };
        Assert.Equal(new[] { "encoder", "head" }, dict.Keys);
        Assert.Equal(new[] { "encoder.weight", "encoder.bias", "head.0.weight", "head.0.bias" }, dict.NamedParameters().Select(p => p.Name));
        Assert.True(dict.ContainsKey("head"));
        Assert.Throws<KeyNotFoundException>(() => dict["decoder"]);
        Assert.Throws<ArgumentException>(() => dict["bad.name"] = new Linear(1, 1));

        dict.Eval();
        Assert.All(dict.Modules(), m => Assert.False(m.Training));
        dict.Train();
        Assert.True(((ModuleList)dict["head"])[0].Training);
    }

    [Fact]
    public void DisposingAContainerFreesItsDescendantsParameters()
    {
        var seq = new Sequential(new Linear(2, 2), new Sequential(new Shift(1)));
        var parameters = seq.Parameters().ToList();
        Assert.Equal(3, parameters.Count);
        seq.Dispose();
        Assert.All(parameters, p => Assert.True(p.IsDisposed));
    }
}
