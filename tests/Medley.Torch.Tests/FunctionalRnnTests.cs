using F = Medley.Torch.NN.Functional;

namespace Medley.Torch.Tests;

public class FunctionalRnnTests
{
    private static string[] FlatNames(int layers, bool bidirectional, bool biases)
    {
        var names = new List<string>();
        for (var l = 0; l < layers; l++)
            foreach (var suffix in bidirectional ? new[] { "", "_reverse" } : new[] { "" })
            {
                names.Add($"weight_ih_l{l}{suffix}");
                names.Add($"weight_hh_l{l}{suffix}");
                if (biases)
                {
                    names.Add($"bias_ih_l{l}{suffix}");
                    names.Add($"bias_hh_l{l}{suffix}");
                }
            }
        return names.ToArray();
    }

    private static void Check(string name, bool lstm, int layers, bool bidirectional, bool batchFirst, bool biases, bool withState, bool withLengths)
    {
        using var f = Fixture.Load("nn_rnn");
        using var scope = DisposeScope.Enter();
        var names = FlatNames(layers, bidirectional, biases);
        var parameters = names.Select(n => f[$"{name}.sd.{n}"].Detach().RequiresGrad_()).ToArray();
        var x = f[$"{name}.x"].Detach().RequiresGrad_();
        var h0 = withState ? f[$"{name}.h0_0"].Detach().RequiresGrad_() : null;
        var c0 = withState && lstm ? f[$"{name}.h0_1"].Detach().RequiresGrad_() : null;
        var lengths = withLengths ? F.LengthsFrom(f["lengths"]) : null;
        Tensor output;
        Tensor[] states;
        if (lstm)
        {
            var (o, h, c) = F.Lstm(x, parameters, layers, bidirectional, batchFirst, biases, h0: h0, c0: c0, lengths: lengths);
            (output, states) = (o, new[] { h, c });
        }
        else
        {
            var (o, h) = F.Gru(x, parameters, layers, bidirectional, batchFirst, biases, h0: h0, lengths: lengths);
            (output, states) = (o, new[] { h });
        }
        AssertClose.Equal(f[$"{name}.out"], output, what: name + " output");
        var loss = (output * f[$"{name}.r"]).Sum();
        for (var i = 0; i < states.Length; i++)
        {
            AssertClose.Equal(f[$"{name}.state{i}"], states[i], what: $"{name} state {i}");
            loss = loss + (states[i] * f[$"{name}.rstate{i}"]).Sum();
        }
        loss.Backward();
        AssertClose.Equal(f[$"{name}.grad.x"], x.Grad!, what: name + " grad x");
        if (h0 != null) AssertClose.Equal(f[$"{name}.grad.h0_0"], h0.Grad!, what: name + " grad h0");
        if (c0 != null) AssertClose.Equal(f[$"{name}.grad.h0_1"], c0.Grad!, what: name + " grad c0");
        for (var i = 0; i < names.Length; i++)
            AssertClose.Equal(f[$"{name}.pgrad.{names[i]}"], parameters[i].Grad!, what: $"{name} grad {names[i]}");
    }

    [Fact]
    public void BidirectionalTwoLayerLstmWithVariableLengthsMatchesPackedPyTorch() =>
        Check("lstm_packed", lstm: true, layers: 2, bidirectional: true, batchFirst: true, biases: true, withState: true, withLengths: true);

    [Fact]
    public void PlainLstmMatchesPyTorch() =>
        Check("lstm_plain", lstm: true, layers: 1, bidirectional: false, batchFirst: false, biases: true, withState: false, withLengths: false);

    [Fact]
    public void BidirectionalTwoLayerGruWithVariableLengthsMatchesPackedPyTorch() =>
        Check("gru_packed", lstm: false, layers: 2, bidirectional: true, batchFirst: true, biases: true, withState: true, withLengths: true);

    [Fact]
    public void GruWithoutBiasMatchesPyTorch() =>
        Check("gru_plain", lstm: false, layers: 1, bidirectional: false, batchFirst: false, biases: false, withState: false, withLengths: false);

    [Fact]
    public void RecurrentOpsRejectBadShapes()
    {
        using var scope = DisposeScope.Enter();
        var p = new[] { Tensor.Randn(12, 4), Tensor.Randn(12, 3), Tensor.Randn(12), Tensor.Randn(12) };
        Assert.Throws<ArgumentException>(() => F.Lstm(Tensor.Randn(5, 2, 6), p));
        Assert.Throws<ArgumentException>(() => F.Lstm(Tensor.Randn(5, 2, 4), p.Take(3).ToArray()));
        Assert.Throws<ArgumentException>(() => F.Lstm(Tensor.Randn(5, 2, 4), p, lengths: new long[] { 5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => F.Lstm(Tensor.Randn(5, 2, 4), p, lengths: new long[] { 6, 2 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => F.Lstm(Tensor.Randn(5, 2, 4), p, lengths: new long[] { 0, 2 }));
        Assert.Throws<ArgumentException>(() => F.Lstm(Tensor.Randn(5, 2, 4), p, h0: Tensor.Zeros(1, 3, 3), c0: Tensor.Zeros(1, 3, 3)));
        Assert.Throws<ArgumentException>(() => F.Gru(Tensor.Randn(5, 2, 4), p));
        // unbatched input works and keeps its rank
        var (o, h, c) = F.Lstm(Tensor.Randn(5, 4), p);
        Assert.Equal(new long[] { 5, 3 }, o.Shape);
        Assert.Equal(new long[] { 1, 3 }, h.Shape);
    }
}
