namespace Medley.Torch.NN;

/// <summary>
/// Batch normalisation over channel dimension 1 with PyTorch's state: weight (ones), bias (zeros), running_mean
/// (zeros), running_var (ones), num_batches_tracked (int64 0). Training uses batch statistics and updates the
/// running ones (momentum, or a cumulative average when momentum is null); evaluation uses the running ones.
/// </summary>
public abstract class BatchNormNd : Module<Tensor, Tensor>
{
    public readonly long NumFeatures;
    public readonly double Eps;
    public readonly double? Momentum;
    private readonly Parameter? weight;
    private readonly Parameter? bias;
    [Buffer, Name("running_mean")] private readonly Tensor? runningMean;
    [Buffer, Name("running_var")] private readonly Tensor? runningVar;
    [Buffer, Name("num_batches_tracked")] private readonly Tensor? numBatchesTracked;

    private protected BatchNormNd(long numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, DType dtype)
    {
        if (numFeatures <= 0) throw new ArgumentException($"{GetType().Name}: numFeatures must be positive, got {numFeatures}.");
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        var shape = new[] { numFeatures };
        if (affine)
        {
            weight = new Parameter(Tensor.Ones(shape, dtype));
            bias = new Parameter(Tensor.Zeros(shape, dtype));
        }
        if (trackRunningStats)
        {
            // Buffers outlive every scope: they belong to the module.
            runningMean = Tensor.Zeros(shape, dtype).DetachFromScope();
            runningVar = Tensor.Ones(shape, dtype).DetachFromScope();
            numBatchesTracked = Tensor.Zeros(Array.Empty<long>(), DType.Int64).DetachFromScope();
        }
    }

    public Parameter? Weight => weight;
    public Parameter? Bias => bias;
    public Tensor? RunningMean => runningMean;
    public Tensor? RunningVar => runningVar;
    public Tensor? NumBatchesTracked => numBatchesTracked;

    private protected abstract void CheckInput(Tensor input);

    public override Tensor Forward(Tensor input)
    {
        CheckInput(input);
        if (input.Size(1) != NumFeatures)
            throw new ArgumentException($"{GetType().Name}({NumFeatures}) expects {NumFeatures} channels in dimension 1, got {input.Describe()}.", nameof(input));
        var factor = Momentum ?? 0.0;
        if (Training && numBatchesTracked != null)
        {
            using (Engine.NoGrad())
            using (var next = numBatchesTracked.Add(1L))
                numBatchesTracked.CopyFrom(next);
            if (Momentum == null) factor = 1.0 / numBatchesTracked.ItemLong();
        }
        var useBatchStats = Training || (runningMean == null && runningVar == null);
        return Functional.BatchNorm(input, runningMean, runningVar, weight, bias, useBatchStats, factor, Eps);
    }
}

/// <summary>BatchNorm over [N, C] or [N, C, L].</summary>
public sealed class BatchNorm1d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true,
    DType dtype = DType.Float32) : BatchNormNd(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    private protected override void CheckInput(Tensor input)
    {
        if (input.Dim != 2 && input.Dim != 3)
            throw new ArgumentException($"BatchNorm1d expects a 2-d [N, C] or 3-d [N, C, L] input, got {input.Describe()}.", nameof(input));
    }
}

/// <summary>BatchNorm over [N, C, H, W].</summary>
public sealed class BatchNorm2d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true,
    DType dtype = DType.Float32) : BatchNormNd(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    private protected override void CheckInput(Tensor input)
    {
        if (input.Dim != 4)
            throw new ArgumentException($"BatchNorm2d expects a 4-d [N, C, H, W] input, got {input.Describe()}.", nameof(input));
    }
}

/// <summary>BatchNorm over [N, C, D, H, W].</summary>
public sealed class BatchNorm3d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true,
    DType dtype = DType.Float32) : BatchNormNd(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    private protected override void CheckInput(Tensor input)
    {
        if (input.Dim != 5)
            throw new ArgumentException($"BatchNorm3d expects a 5-d [N, C, D, H, W] input, got {input.Describe()}.", nameof(input));
    }
}

/// <summary>Layer normalisation over the trailing normalizedShape dimensions; weight ones, bias zeros.</summary>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    public readonly long[] NormalizedShape;
    public readonly double Eps;
    private readonly Parameter? weight;
    private readonly Parameter? bias;

    public LayerNorm(long[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32)
    {
        if (normalizedShape == null || normalizedShape.Length == 0 || normalizedShape.Any(s => s <= 0))
            throw new ArgumentException("LayerNorm: normalizedShape must be a non-empty list of positive sizes.");
        NormalizedShape = (long[])normalizedShape.Clone();
        Eps = eps;
        if (elementwiseAffine)
        {
            weight = new Parameter(Tensor.Ones(NormalizedShape, dtype));
            bias = new Parameter(Tensor.Zeros(NormalizedShape, dtype));
        }
    }

    public LayerNorm(long normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32)
        : this(new[] { normalizedShape }, eps, elementwiseAffine, dtype) { }

    public Parameter? Weight => weight;
    public Parameter? Bias => bias;

    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, NormalizedShape, weight, bias, Eps);
}

/// <summary>Group normalisation of [N, C, ...] with numGroups groups; per-channel weight ones, bias zeros.</summary>
public sealed class GroupNorm : Module<Tensor, Tensor>
{
    public readonly long NumGroups;
    public readonly long NumChannels;
    public readonly double Eps;
    private readonly Parameter? weight;
    private readonly Parameter? bias;

    public GroupNorm(long numGroups, long numChannels, double eps = 1e-5, bool affine = true, DType dtype = DType.Float32)
    {
        if (numGroups < 1 || numChannels % numGroups != 0)
            throw new ArgumentException($"GroupNorm: numChannels {numChannels} must be divisible by numGroups {numGroups}.");
        NumGroups = numGroups;
        NumChannels = numChannels;
        Eps = eps;
        if (affine)
        {
            weight = new Parameter(Tensor.Ones(new[] { numChannels }, dtype));
            bias = new Parameter(Tensor.Zeros(new[] { numChannels }, dtype));
        }
    }

    public Parameter? Weight => weight;
    public Parameter? Bias => bias;

    public override Tensor Forward(Tensor input)
    {
        if (input.Dim < 2 || input.Size(1) != NumChannels)
            throw new ArgumentException($"GroupNorm({NumGroups}, {NumChannels}) expects [N, {NumChannels}, ...] input, got {input.Describe()}.", nameof(input));
        return Functional.GroupNorm(input, NumGroups, weight, bias, Eps);
    }
}
