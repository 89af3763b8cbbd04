using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Cli.Demo;

/// <summary>Which inputs a demo model sees.</summary>
internal enum DemoInputs
{
    ImageOnly,
    LabOnly,
    Fusion,
}

/// <summary>A small CNN image encoder, an MLP lab encoder and a head over whichever encodings are used.</summary>
internal sealed class ToyFusionModel : Module
{
    private readonly DemoInputs _inputs;
    private readonly Conv2d conv1 = new(1, 8, 3, padding: 1);
    private readonly Conv2d conv2 = new(8, 16, 3, padding: 1);
    private readonly Linear lab1 = new(ToyFusionData.LabCount, 16);
    private readonly Linear head1;
    private readonly Linear head2 = new(32, 2);

    public ToyFusionModel(DemoInputs inputs)
    {
        _inputs = inputs;
        head1 = new Linear(inputs switch { DemoInputs.ImageOnly => 64, DemoInputs.LabOnly => 16, _ => 80 }, 32);
    }

    private Tensor EncodeImage(Tensor images)
    {
        var x = Functional.MaxPool2d(Functional.Relu(conv1.Forward(images)), new long[] { 2, 2 });
        x = Functional.Relu(conv2.Forward(x));
        // A 2×2 grid keeps where the square is (left or right), which a global average would lose.
        return Functional.AdaptiveAvgPool2d(x, new long[] { 2, 2 }).Flatten(1);
    }

    public Tensor Forward(Tensor images, Tensor labs)
    {
        var features = _inputs switch
        {
            DemoInputs.ImageOnly => EncodeImage(images),
            DemoInputs.LabOnly => Functional.Relu(lab1.Forward(labs)),
            _ => Tensor.Cat(new[] { EncodeImage(images), Functional.Relu(lab1.Forward(labs)) }, 1),
        };
        return head2.Forward(Functional.Relu(head1.Forward(features)));
    }
}
