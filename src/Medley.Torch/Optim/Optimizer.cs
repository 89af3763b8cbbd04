using System.Globalization;

namespace Medley.Torch.Optim;

/// <summary>
/// Base of the optimisers: parameter groups with per-group learning rate and weight decay, per-parameter state,
/// <see cref="Step()"/> under no-grad with in-place updates, and a tensor state dict for checkpoints.
/// Subclasses implement one parameter's update exactly as torch.optim 1.13's single-tensor path does.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly List<ParamGroup> _groups = new();
    private readonly List<ParameterState[]> _state = new();
    private readonly HashSet<Tensor> _seen = new(ReferenceEqualityComparer.Instance);
    private readonly double _defaultLr;
    private readonly double _defaultWeightDecay;
    private bool _disposed;

    protected Optimizer(IEnumerable<ParamGroup> groups, double learningRate, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(groups);
        CheckNonNegative(learningRate, "learning rate");
        CheckNonNegative(weightDecay, "weight_decay value");
        _defaultLr = learningRate;
        _defaultWeightDecay = weightDecay;
        foreach (var group in groups) AddParamGroup(group);
        if (_groups.Count == 0 || _seen.Count == 0) throw new ArgumentException("optimizer got an empty parameter list");
    }

    /// <summary>
    /// Adds a group (e.g. a backbone unfrozen later in fine-tuning); options it leaves null take the optimiser's
    /// defaults. Its parameters must not already be optimised here.
    /// </summary>
    public void AddParamGroup(ParamGroup group)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var g = _groups.Count;
        if (group == null) throw new ArgumentException($"parameter group {g} is null");
        var ps = group.ParameterArray;
        var added = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < ps.Length; i++)
        {
            var p = ps[i] ?? throw new ArgumentException($"parameter {i} of group {g} is null");
            if (!p.IsLeaf) throw new ArgumentException($"can't optimize a non-leaf Tensor (parameter {i} of group {g}, {p.Describe()})");
            if (!p.DType.IsFloatingPoint())
                throw new ArgumentException($"only floating-point tensors can be optimized (parameter {i} of group {g} is {p.Describe()})");
            if (_seen.Contains(p) || !added.Add(p))
                throw new ArgumentException("some parameters appear in more than one parameter group (or twice in one)");
        }
        group.ApplyDefaults(_defaultLr, _defaultWeightDecay);
        CheckNonNegative(group.LearningRate, $"learning rate of parameter group {g}");
        CheckNonNegative(group.WeightDecay, $"weight_decay value of parameter group {g}");
        var states = new ParameterState[ps.Length];
        for (var i = 0; i < ps.Length; i++) states[i] = new ParameterState();
        _seen.UnionWith(added);
        _groups.Add(group);
        _state.Add(states);
    }

    protected static IEnumerable<ParamGroup> SingleGroup(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new[] { new ParamGroup(parameters) };
    }

    protected static void CheckNonNegative(double value, string what)
    {
        if (!(value >= 0)) throw new ArgumentOutOfRangeException(nameof(value), value, $"Invalid {what}: {value.ToString(CultureInfo.InvariantCulture)}");
    }

    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>Whether this algorithm counts steps per parameter (Adam) or not (SGD), as in torch's state.</summary>
    protected virtual bool HasStepCount => true;

    /// <summary>The state of one optimised parameter (empty before its first update).</summary>
    public ParameterState StateOf(Tensor parameter)
    {
        for (var g = 0; g < _groups.Count; g++)
        {
            var ps = _groups[g].ParameterArray;
            for (var i = 0; i < ps.Length; i++)
                if (ReferenceEquals(ps[i], parameter)) return _state[g][i];
        }
        throw new ArgumentException("this tensor is not one of the optimizer's parameters");
    }

    /// <summary>Applies one update to every parameter that has a gradient (parameters without one are skipped).</summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var noGrad = Engine.NoGrad();
        for (var g = 0; g < _groups.Count; g++)
        {
            var group = _groups[g];
            var ps = group.ParameterArray;
            var states = _state[g];
            for (var i = 0; i < ps.Length; i++)
            {
                var grad = ps[i].Grad;
                if (grad == null) continue;
                try
                {
                    Update(group, ps[i], grad, states[i]);
                }
                finally
                {
                    grad.Dispose();
                }
            }
        }
    }

    /// <summary>Runs <paramref name="closure"/> with gradients enabled (it should zero grads, compute the loss and
    /// call Backward), then steps; returns the closure's loss.</summary>
    public Tensor Step(Func<Tensor> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        Tensor loss;
        using (Engine.EnableGrad()) loss = closure();
        Step();
        return loss;
    }

    /// <summary>
    /// Clears the gradients of every parameter. setToNone (the default, as Module.ZeroGrad and torch ≥ 2.0) drops
    /// them; false zeroes them in place (torch 1.13's default), keeping their memory.
    /// </summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var group in _groups)
        {
            foreach (var p in group.ParameterArray)
            {
                if (setToNone)
                {
                    p.ZeroGrad();
                    continue;
                }
                using var grad = p.Grad;
                grad?.Zero_();
            }
        }
    }

    /// <summary>One parameter's update, called under no-grad with its (non-null) gradient.</summary>
    protected abstract void Update(ParamGroup group, Tensor param, Tensor grad, ParameterState state);

    /// <summary>A zero tensor shaped like <paramref name="like"/>, owned by the optimiser (no DisposeScope).</summary>
    protected static Tensor NewState(Tensor like) => OptimOps.Persistent(Tensor.ZerosLike(like));

    // ---- state dict -----------------------------------------------------------------------------------------

    /// <summary>
    /// The optimiser's state as tensors, ready for SafeTensors.Save: "state.{i}.exp_avg" etc. (i counts parameters
    /// across groups in order, as torch does), "state.{i}.step" (float64 scalar) and "param_groups.{g}.lr",
    /// ".weight_decay", ".initial_lr" (float64 scalars). Tensors are copies the caller owns (they join the scope).
    /// </summary>
    public Dictionary<string, Tensor> StateDict()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var dict = new Dictionary<string, Tensor>();
        var index = 0;
        for (var g = 0; g < _groups.Count; g++)
        {
            var group = _groups[g];
            dict[$"param_groups.{g}.lr"] = Tensor.Scalar(group.LearningRate);
            dict[$"param_groups.{g}.weight_decay"] = Tensor.Scalar(group.WeightDecay);
            if (group.InitialLearningRate is { } initial) dict[$"param_groups.{g}.initial_lr"] = Tensor.Scalar(initial);
            foreach (var state in _state[g])
            {
                if (!state.IsEmpty)
                {
                    if (HasStepCount) dict[$"state.{index}.step"] = Tensor.Scalar((double)state.Step);
                    foreach (var key in ParameterState.TensorKeys)
                        if (state.Get(key) is { } t) dict[$"state.{index}.{key}"] = t.Clone();
                }
                index++;
            }
        }
        return dict;
    }

    /// <summary>
    /// Restores state written by <see cref="StateDict"/> for an optimiser over the same parameter layout. Every key
    /// and shape is checked before anything changes; tensors are copied (the caller keeps ownership of the dict).
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(stateDict);
        var flat = new List<(Tensor Param, ParameterState State)>();
        for (var g = 0; g < _groups.Count; g++)
            for (var i = 0; i < _groups[g].ParameterArray.Length; i++) flat.Add((_groups[g].ParameterArray[i], _state[g][i]));

        var groupValues = new Dictionary<(int, string), double>();
        var steps = new Dictionary<int, long>();
        var tensors = new List<(int Index, string Key, Tensor Value)>();
        foreach (var (name, value) in stateDict)
        {
            var parts = name.Split('.');
            if (parts.Length == 3 && parts[0] == "param_groups" && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var g)
                && parts[2] is "lr" or "weight_decay" or "initial_lr")
            {
                if (g >= _groups.Count)
                    throw new ArgumentException($"optimizer state dict key '{name}' names parameter group {g}, but this optimizer has {_groups.Count} group(s)");
                groupValues[(g, parts[2])] = ScalarOf(value, name);
            }
            else if (parts.Length == 3 && parts[0] == "state" && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var i))
            {
                if (i >= flat.Count)
                    throw new ArgumentException($"optimizer state dict key '{name}' names parameter {i}, but this optimizer has {flat.Count} parameter(s)");
                if (parts[2] == "step")
                {
                    var step = ScalarOf(value, name);
                    if (step < 0 || step != Math.Floor(step)) throw new ArgumentException($"optimizer state dict key '{name}' holds {step}, not a step count");
                    steps[i] = (long)step;
                }
                else if (Array.IndexOf(ParameterState.TensorKeys, parts[2]) >= 0)
                {
                    var expected = flat[i].Param.Shape;
                    if (!expected.AsSpan().SequenceEqual(value.Shape))
                        throw new ArgumentException($"optimizer state '{name}' has shape {Tensor.ShapeText(value.Shape)} but parameter {i} has shape {Tensor.ShapeText(expected)}");
                    tensors.Add((i, parts[2], value));
                }
                else throw new ArgumentException($"unexpected optimizer state dict key '{name}'");
            }
            else throw new ArgumentException($"unexpected optimizer state dict key '{name}' (expected state.{{i}}.* or param_groups.{{g}}.lr/weight_decay/initial_lr)");
        }
        for (var g = 0; g < _groups.Count; g++)
            if (!groupValues.ContainsKey((g, "lr")))
                throw new ArgumentException($"optimizer state dict has no 'param_groups.{g}.lr'; it was saved from a different optimizer layout");

        // Validated: now replace the state.
        foreach (var (_, state) in flat) state.Clear();
        foreach (var ((g, key), v) in groupValues)
        {
            switch (key)
            {
                case "lr": _groups[g].LearningRate = v; break;
                case "weight_decay": _groups[g].WeightDecay = v; break;
                case "initial_lr": _groups[g].InitialLearningRate = v; break;
            }
        }
        foreach (var (i, step) in steps) flat[i].State.Step = step;
        using var noGrad = Engine.NoGrad();
        foreach (var (i, key, value) in tensors)
        {
            var copy = NewState(flat[i].Param);
            copy.CopyFrom(value);
            flat[i].State.Set(key, copy);
        }
    }

    private static double ScalarOf(Tensor t, string name)
    {
        if (t.NumEl != 1) throw new ArgumentException($"optimizer state dict key '{name}' must be a one-element tensor, got {t.Describe()}");
        return t.Item();
    }

    // ---- lifetime -------------------------------------------------------------------------------------------

    /// <summary>Frees every state tensor (the parameters belong to their module and are left alone).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var states in _state)
            foreach (var s in states) s.Clear();
        GC.SuppressFinalize(this);
    }
}
