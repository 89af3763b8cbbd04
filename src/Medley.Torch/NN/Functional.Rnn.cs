using Medley.Torch.Native;

namespace Medley.Torch.NN;

public static partial class Functional
{
    /// <summary>
    /// Multi-layer LSTM over [T, B, F] (or [B, T, F] with batchFirst, or unbatched [T, F]) using libtorch's fused
    /// kernel. parameters is the flat list per layer and direction: w_ih [4H, F], w_hh [4H, H], b_ih, b_hh.
    /// With lengths, each sequence stops at its own length exactly like pack_padded_sequence(enforce_sorted=False):
    /// outputs past a sequence's end are zero and the final states come from its last real step.
    /// Returns the output [T, B, D·H] (batchFirst: [B, T, D·H]) and h_n, c_n [L·D, B, H].
    /// </summary>
    public static (Tensor Output, Tensor H, Tensor C) Lstm(Tensor input, IReadOnlyList<Tensor> parameters, int numLayers = 1,
        bool bidirectional = false, bool batchFirst = false, bool hasBiases = true, double dropout = 0, bool training = false,
        Tensor? h0 = null, Tensor? c0 = null, long[]? lengths = null)
    {
        if ((h0 == null) != (c0 == null))
            throw new ArgumentException("Lstm: give both h0 and c0, or neither.");
        var r = Recurrent(true, input, parameters, numLayers, bidirectional, batchFirst, hasBiases, dropout, training,
            h0 == null ? null : new[] { h0, c0! }, lengths);
        return (r[0], r[1], r[2]);
    }

    /// <summary>Multi-layer GRU; same conventions as <see cref="Lstm"/> with w_ih [3H, F], w_hh [3H, H].</summary>
    public static (Tensor Output, Tensor H) Gru(Tensor input, IReadOnlyList<Tensor> parameters, int numLayers = 1,
        bool bidirectional = false, bool batchFirst = false, bool hasBiases = true, double dropout = 0, bool training = false,
        Tensor? h0 = null, long[]? lengths = null)
    {
        var r = Recurrent(false, input, parameters, numLayers, bidirectional, batchFirst, hasBiases, dropout, training,
            h0 == null ? null : new[] { h0 }, lengths);
        return (r[0], r[1]);
    }

    /// <summary>Sequence lengths from an integer tensor (any device), for the lengths arguments.</summary>
    public static long[] LengthsFrom(Tensor lengths)
    {
        if (lengths.Dim != 1 || !lengths.DType.IsIntegral())
            throw new ArgumentException($"lengths must be a 1-d integer tensor, got {lengths.Describe()}.", nameof(lengths));
        using var asLong = lengths.Detach().To(DType.Int64);
        return asLong.ToArray<long>();
    }

    private static Tensor[] Recurrent(bool lstm, Tensor input, IReadOnlyList<Tensor> parameters, int numLayers, bool bidirectional,
        bool batchFirst, bool hasBiases, double dropout, bool training, Tensor[]? hx, long[]? lengths)
    {
        var op = lstm ? "Lstm" : "Gru";
        ArgumentNullException.ThrowIfNull(parameters);
        if (numLayers < 1) throw new ArgumentOutOfRangeException(nameof(numLayers), $"{op}: numLayers must be positive, got {numLayers}.");
        CheckProbability(dropout, op);
        var directions = bidirectional ? 2 : 1;
        var perCell = hasBiases ? 4 : 2;
        if (parameters.Count != numLayers * directions * perCell)
            throw new ArgumentException(
                $"{op}: expected {numLayers * directions * perCell} parameters ({numLayers} layers × {directions} directions × {perCell}), got {parameters.Count}.", nameof(parameters));
        var gates = lstm ? 4 : 3;
        if (parameters[1].Dim != 2 || parameters[0].Dim != 2)
            throw new ArgumentException($"{op}: w_ih and w_hh must be 2-d, got {parameters[0].Describe()} and {parameters[1].Describe()}.", nameof(parameters));
        var hidden = parameters[1].Size(1);
        var features = parameters[0].Size(1);
        if (parameters[0].Size(0) != gates * hidden || parameters[1].Size(0) != gates * hidden)
            throw new ArgumentException($"{op}: w_ih and w_hh need {gates}·hidden = {gates * hidden} rows, got {parameters[0].Describe()} and {parameters[1].Describe()}.", nameof(parameters));

        var unbatched = input.Dim == 2;
        if (input.Dim != 3 && !unbatched)
            throw new ArgumentException($"{op} expects a 3-d input ({(batchFirst ? "[B, T, F]" : "[T, B, F]")}) or 2-d unbatched [T, F], got {input.Describe()}.", nameof(input));
        if (input.Size(-1) != features)
            throw new ArgumentException($"{op}: expected input with {features} features in its last dimension, got {input.Describe()}.", nameof(input));

        using var scope = DisposeScope.Enter();
        var shape = input.Shape;
        var x = unbatched ? input.Reshape(batchFirst ? new[] { 1, shape[0], shape[1] } : new[] { shape[0], 1, shape[1] }) : input;
        var batch = x.Size(batchFirst ? 0 : 1);
        var steps = x.Size(batchFirst ? 1 : 0);
        var stateShape = new[] { (long)numLayers * directions, batch, hidden };
        var states = new Tensor[lstm ? 2 : 1];
        for (var i = 0; i < states.Length; i++)
        {
            if (hx == null)
            {
                states[i] = Tensor.Zeros(stateShape, input.DType, input.Device);
                continue;
            }
            var s = hx[i];
            if (unbatched && s.Dim == 2) s = s.Reshape(stateShape);
            if (!s.Shape.SequenceEqual(stateShape))
                throw new ArgumentException($"{op}: expected initial state {(i == 0 ? "h0" : "c0")} of shape {Tensor.ShapeText(unbatched ? new[] { stateShape[0], hidden } : stateShape)}, got {hx[i].Describe()}.");
            states[i] = s;
        }

        var handles = parameters.Select(p => p.Handle).ToArray();
        Tensor[] results = lengths == null
            ? RunPadded(lstm, op, x, states, handles, hasBiases, numLayers, dropout, training, bidirectional, batchFirst)
            : RunPacked(lstm, op, x, states, handles, hasBiases, numLayers, dropout, training, bidirectional, batchFirst, lengths, batch, steps);

        if (unbatched)
        {
            var o = results[0].Shape;
            results[0] = results[0].Reshape(batchFirst ? new[] { o[1], o[2] } : new[] { o[0], o[2] });
            for (var i = 1; i < results.Length; i++) results[i] = results[i].Reshape(stateShape[0], hidden);
        }
        foreach (var r in results) scope.Keep(r);
        return results;
    }

    private static unsafe Tensor[] RunPadded(bool lstm, string op, Tensor x, Tensor[] states, IntPtr[] handles, bool hasBiases, int layers,
        double dropout, bool training, bool bidirectional, bool batchFirst)
    {
        var output = stackalloc IntPtr[3];
        long n;
        fixed (IntPtr* ps = handles)
        {
            if (lstm)
            {
                var hx = stackalloc IntPtr[2] { states[0].Handle, states[1].Handle };
                n = NativeMethods.mdl_nn_lstm(x.Handle, hx, ps, handles.Length, hasBiases ? 1 : 0, layers, dropout, training ? 1 : 0,
                    bidirectional ? 1 : 0, batchFirst ? 1 : 0, output);
            }
            else
                n = NativeMethods.mdl_nn_gru(x.Handle, states[0].Handle, ps, handles.Length, hasBiases ? 1 : 0, layers, dropout, training ? 1 : 0,
                    bidirectional ? 1 : 0, batchFirst ? 1 : 0, output);
        }
        return Collect(n, lstm ? 3 : 2, output, op, x);
    }

    private static unsafe Tensor[] Collect(long n, int expected, IntPtr* output, string op, Tensor x)
    {
        if (n != expected) throw Errors.Take(op, x);
        var results = new Tensor[expected];
        for (var i = 0; i < expected; i++) results[i] = new Tensor(output[i]);
        return results;
    }

    // Sort by decreasing length, pack, run, unpack and restore the caller's order (what PyTorch's
    // pack_padded_sequence(enforce_sorted=False) + the module + pad_packed_sequence do together).
    private static unsafe Tensor[] RunPacked(bool lstm, string op, Tensor x, Tensor[] states, IntPtr[] handles, bool hasBiases, int layers,
        double dropout, bool training, bool bidirectional, bool batchFirst, long[] lengths, long batch, long steps)
    {
        if (lengths.Length != batch)
            throw new ArgumentException($"{op}: got {lengths.Length} lengths for a batch of {batch} sequences.", nameof(lengths));
        foreach (var l in lengths)
            if (l < 1 || l > steps)
                throw new ArgumentOutOfRangeException(nameof(lengths), $"{op}: every length must be within [1, {steps}] (the padded length), got [{string.Join(", ", lengths)}].");
        var order = Enumerable.Range(0, lengths.Length).OrderByDescending(i => lengths[i]).Select(i => (long)i).ToArray();
        var inverse = new long[order.Length];
        for (var i = 0; i < order.Length; i++) inverse[order[i]] = i;
        var sortedLengths = order.Select(i => lengths[i]).ToArray();

        var batchDim = batchFirst ? 0 : 1;
        var sortIndex = Tensor.From(order, device: x.Device);
        var unsortIndex = Tensor.From(inverse, device: x.Device);
        var sortedX = IndexSelect(x, batchDim, sortIndex, op);
        var sortedStates = states.Select(s => IndexSelect(s, 1, sortIndex, op)).ToArray();
        var lengthTensor = Tensor.From(sortedLengths);

        var pair = stackalloc IntPtr[2];
        var n = NativeMethods.mdl_nn_pack_padded(sortedX.Handle, lengthTensor.Handle, batchFirst ? 1 : 0, pair);
        var packed = Collect(n, 2, pair, op, x);
        var (data, batchSizes) = (packed[0], packed[1]);

        var output = stackalloc IntPtr[3];
        fixed (IntPtr* ps = handles)
        {
            if (lstm)
            {
                var hx = stackalloc IntPtr[2] { sortedStates[0].Handle, sortedStates[1].Handle };
                n = NativeMethods.mdl_nn_lstm_packed(data.Handle, batchSizes.Handle, hx, ps, handles.Length, hasBiases ? 1 : 0, layers, dropout,
                    training ? 1 : 0, bidirectional ? 1 : 0, output);
            }
            else
                n = NativeMethods.mdl_nn_gru_packed(data.Handle, batchSizes.Handle, sortedStates[0].Handle, ps, handles.Length, hasBiases ? 1 : 0,
                    layers, dropout, training ? 1 : 0, bidirectional ? 1 : 0, output);
        }
        var raw = Collect(n, lstm ? 3 : 2, output, op, x);

        n = NativeMethods.mdl_nn_pad_packed(raw[0].Handle, batchSizes.Handle, batchFirst ? 1 : 0, 0.0, steps, pair);
        var padded = Collect(n, 2, pair, op, raw[0]);
        var results = new Tensor[raw.Length];
        results[0] = IndexSelect(padded[0], batchDim, unsortIndex, op);
        for (var i = 1; i < raw.Length; i++) results[i] = IndexSelect(raw[i], 1, unsortIndex, op);
        return results;
    }

    private static Tensor IndexSelect(Tensor t, long dim, Tensor index, string op) =>
        Errors.Wrap(NativeMethods.mdl_nn_index_select(t.Handle, dim, index.Handle), op, t, index);
}
