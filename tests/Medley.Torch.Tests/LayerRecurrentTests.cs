using Medley.Torch.NN;

namespace Medley.Torch.Tests;

/// <summary>LSTM/GRU modules loaded from PyTorch state dicts; packed (variable-length) and plain cases.</summary>
public class LayerRecurrentTests
{
    private static void CompareGrads(Fixture f, string name, Module m)
    {
        foreach (var (pname, p) in m.NamedParameters())
            AssertClose.Equal(f[$"{name}.pgrad.{pname}"], p.Grad!, what: $"{name} grad {pname}");
    }

    [Fact]
    public void BidirectionalLstmWithLengthsMatchesPackedPyTorch()
    {
        using var f = Fixture.Load("nn_rnn");
        using var lstm = new LSTM(4, 3, numLayers: 2, batchFirst: true, bidirectional: true, dtype: DType.Float64);
        lstm.LoadStateDict(f.WithPrefix("lstm_packed.sd."));
        using var scope = DisposeScope.Enter();
        var x = f["lstm_packed.x"].Detach().RequiresGrad_();
        var h0 = f["lstm_packed.h0_0"].Detach().RequiresGrad_();
        var c0 = f["lstm_packed.h0_1"].Detach().RequiresGrad_();
        var (output, (h, c)) = lstm.Forward(x, (h0, c0), f["lengths"]);
        AssertClose.Equal(f["lstm_packed.out"], output, what: "output");
        AssertClose.Equal(f["lstm_packed.state0"], h, what: "h_n");
        AssertClose.Equal(f["lstm_packed.state1"], c, what: "c_n");
        ((output * f["lstm_packed.r"]).Sum() + (h * f["lstm_packed.rstate0"]).Sum() + (c * f["lstm_packed.rstate1"]).Sum()).Backward();
        AssertClose.Equal(f["lstm_packed.grad.x"], x.Grad!, what: "grad x");
        AssertClose.Equal(f["lstm_packed.grad.h0_0"], h0.Grad!, what: "grad h0");
        AssertClose.Equal(f["lstm_packed.grad.h0_1"], c0.Grad!, what: "grad c0");
        CompareGrads(f, "lstm_packed", lstm);
        // dropout between layers is only active in training mode; at p = 0 train and eval agree
        lstm.Eval();
        var (evalOut, _) = lstm.Forward(x.Detach(), (h0.Detach(), c0.Detach()), new long[] { 5, 3, 4 });
        AssertClose.Equal(f["lstm_packed.out"], evalOut, what: "eval output");
    }

    [Fact]
    public void BidirectionalGruWithLengthsMatchesPackedPyTorch()
    {
        using var f = Fixture.Load("nn_rnn");
        using var gru = new GRU(4, 3, numLayers: 2, batchFirst: true, bidirectional: true, dtype: DType.Float64);
        gru.LoadStateDict(f.WithPrefix("gru_packed.sd."));
        using var scope = DisposeScope.Enter();
        var x = f["gru_packed.x"].Detach().RequiresGrad_();
        var h0 = f["gru_packed.h0_0"].Detach().RequiresGrad_();
        var (output, h) = gru.Forward(x, h0, f["lengths"]);
        AssertClose.Equal(f["gru_packed.out"], output, what: "output");
        AssertClose.Equal(f["gru_packed.state0"], h, what: "h_n");
        ((output * f["gru_packed.r"]).Sum() + (h * f["gru_packed.rstate0"]).Sum()).Backward();
        AssertClose.Equal(f["gru_packed.grad.x"], x.Grad!, what: "grad x");
        AssertClose.Equal(f["gru_packed.grad.h0_0"], h0.Grad!, what: "grad h0");
        CompareGrads(f, "gru_packed", gru);
    }

    [Fact]
    public void PlainLstmAndBiasFreeGruMatchPyTorch()
    {
        using var f = Fixture.Load("nn_rnn");
        using var lstm = new LSTM(3, 5, dtype: DType.Float64);
        lstm.LoadStateDict(f.WithPrefix("lstm_plain.sd."));
        using var gru = new GRU(3, 4, bias: false, dtype: DType.Float64);
        gru.LoadStateDict(f.WithPrefix("gru_plain.sd."));
        using var scope = DisposeScope.Enter();
        var x = f["lstm_plain.x"].Detach().RequiresGrad_();
        var (o, (h, c)) = lstm.Forward(x);
        AssertClose.Equal(f["lstm_plain.out"], o, what: "lstm output");
        ((o * f["lstm_plain.r"]).Sum() + (h * f["lstm_plain.rstate0"]).Sum() + (c * f["lstm_plain.rstate1"]).Sum()).Backward();
        AssertClose.Equal(f["lstm_plain.grad.x"], x.Grad!, what: "lstm grad x");
        CompareGrads(f, "lstm_plain", lstm);

        var xg = f["gru_plain.x"].Detach().RequiresGrad_();
        var (og, hg) = gru.Forward(xg);
        AssertClose.Equal(f["gru_plain.out"], og, what: "gru output");
        ((og * f["gru_plain.r"]).Sum() + (hg * f["gru_plain.rstate0"]).Sum()).Backward();
        AssertClose.Equal(f["gru_plain.grad.x"], xg.Grad!, what: "gru grad x");
        CompareGrads(f, "gru_plain", gru);
        Assert.Equal(2, gru.NamedParameters().Count());
    }
}
