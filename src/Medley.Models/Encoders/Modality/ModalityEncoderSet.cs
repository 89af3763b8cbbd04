using Medley.Models.Inputs;
using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Encoders.Modality;

/// <summary>
/// The encoders e_1..e_M of a fusion method, one per modality in config order, and the step that turns an input
/// dictionary into the embeddings v_m [B, d] and presence masks bool [B]. State-dict keys: "encoders.&lt;name&gt;.…".
/// </summary>
public sealed class ModalityEncoderSet : Module
{
    private readonly ModuleDict<ModalityEncoder> encoders;

    public ModalityEncoderSet(FusionConfig config, string method)
    {
        Descriptors = ModalityDescriptor.Select(config.ModalityShapes, config.Modalities, method);
        if (config.EmbedDim <= 0) throw new ArgumentException($"{method}: embed_dim must be positive, got {config.EmbedDim}.");
        encoders = new ModuleDict<ModalityEncoder>();
        foreach (var m in Descriptors) encoders.Add(m.Name, ModalityEncoderFactory.Create(m, config));
        EmbedDim = config.EmbedDim;
    }

    public IReadOnlyList<ModalityDescriptor> Descriptors { get; }
    public IReadOnlyList<string> Names => Descriptors.Select(d => d.Name).ToList();
    public int Count => Descriptors.Count;
    public int EmbedDim { get; }
    public ModalityEncoder this[string name] => encoders[name];

    /// <summary>Per modality (config order): v_m [B, d] and its presence bool [B].</summary>
    public (IReadOnlyList<Tensor> Embeddings, IReadOnlyList<Tensor> Present) Encode(IReadOnlyDictionary<string, Tensor> inputs)
    {
        var batch = ModalityInputs.BatchSize(inputs);
        var embeddings = new List<Tensor>(Count);
        var present = new List<Tensor>(Count);
        foreach (var m in Descriptors)
        {
            var encoder = encoders[m.Name];
            var x = ModalityInputs.Value(inputs, m, batch);
            var mask = ModalityInputs.Mask(inputs, m.Name);
            if (encoder.Frozen)
            {
                // A frozen encoder always runs as in evaluation (batch-norm statistics stay the pretrained ones),
                // even after the whole model was switched to training.
                encoder.Eval();
                using var noGrad = Engine.NoGrad();
                embeddings.Add(encoder.Forward(x, mask));
            }
            else embeddings.Add(encoder.Forward(x, mask));
            present.Add(ModalityInputs.Present(inputs, m.Name, batch));
        }
        return (embeddings, present);
    }
}
