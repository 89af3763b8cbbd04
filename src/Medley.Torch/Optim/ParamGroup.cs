namespace Medley.Torch.Optim;

/// <summary>
/// A set of parameters sharing a learning rate and weight decay (PyTorch's param_groups entry). Options left null
/// take the optimiser's defaults. Schedulers change <see cref="LearningRate"/> between steps.
/// </summary>
public sealed class ParamGroup
{
    private readonly Tensor[] _parameters;
    private readonly double? _requestedLr;
    private readonly double? _requestedWeightDecay;

    public ParamGroup(IEnumerable<Tensor> parameters, double? learningRate = null, double? weightDecay = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters.ToArray();
        _requestedLr = learningRate;
        _requestedWeightDecay = weightDecay;
    }

    public IReadOnlyList<Tensor> Parameters => _parameters;

    internal Tensor[] ParameterArray => _parameters;

    /// <summary>Current learning rate ('lr').</summary>
    public double LearningRate { get; set; }

    /// <summary>Weight decay ('weight_decay'): L2 added to the gradient for Adam/SGD, decoupled for AdamW.</summary>
    public double WeightDecay { get; set; }

    /// <summary>The learning rate schedules start from ('initial_lr'); set by the first scheduler attached.</summary>
    public double? InitialLearningRate { get; set; }

    internal void ApplyDefaults(double learningRate, double weightDecay)
    {
        LearningRate = _requestedLr ?? learningRate;
        WeightDecay = _requestedWeightDecay ?? weightDecay;
    }
}
