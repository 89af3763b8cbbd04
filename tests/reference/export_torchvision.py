"""Exports randomly initialised torchvision models with reference logits, for Medley's model-port tests.

    /usr/bin/python3 tests/reference/export_torchvision.py OUTDIR [resnet18] [vit_tiny]

Writes OUTDIR/<model>.safetensors (the state dict, as torchvision names it) and OUTDIR/<model>_io.safetensors
(`input`: a fixed float32 image batch, `logits`: the model's float64 output in eval mode). No weights are downloaded:
every model is built with weights=None under a fixed seed, and its batch-norm statistics and zero-initialised heads
are then filled with random values so that every parameter and buffer affects the logits.
"""
import os
import sys

import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_io  # noqa: E402

# The tiny ViT shared with the C# tests (keep in sync with ReferenceModelTests / TorchvisionModelTests).
VIT_TINY = dict(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64, num_classes=10)


def _randomise_norms_and_heads(model, generator):
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (torch.nn.BatchNorm2d, torch.nn.LayerNorm)):
                if m.weight is not None:
                    m.weight.copy_(1 + 0.2 * torch.randn(m.weight.shape, generator=generator))
                    m.bias.copy_(0.2 * torch.randn(m.bias.shape, generator=generator))
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.copy_(0.1 * torch.randn(m.running_mean.shape, generator=generator))
                m.running_var.copy_(0.5 + torch.rand(m.running_var.shape, generator=generator))
                m.num_batches_tracked.fill_(7)


def build_resnet18(seed=0):
    torch.manual_seed(seed)
    model = torchvision.models.resnet18(weights=None)
    _randomise_norms_and_heads(model, torch.Generator().manual_seed(seed + 1))
    return model.eval()


def build_vit_tiny(seed=0):
    torch.manual_seed(seed)
    model = torchvision.models.VisionTransformer(**VIT_TINY)
    g = torch.Generator().manual_seed(seed + 1)
    _randomise_norms_and_heads(model, g)
    with torch.no_grad():
        # torchvision zero-initialises the head and class token; give them values so they matter.
        model.heads.head.weight.copy_(0.2 * torch.randn(model.heads.head.weight.shape, generator=g))
        model.heads.head.bias.copy_(0.1 * torch.randn(model.heads.head.bias.shape, generator=g))
        model.class_token.copy_(0.5 * torch.randn(model.class_token.shape, generator=g))
    return model.eval()


def reference(model, image_shape, seed):
    """A fixed input batch and the model's logits computed in float64 from the float32 parameters."""
    x = torch.randn(image_shape, generator=torch.Generator().manual_seed(seed))
    reference_model = _double_copy(model)
    with torch.no_grad():
        logits = reference_model(x.double())
    return {"input": x, "logits": logits}


def _double_copy(model):
    import copy
    m = copy.deepcopy(model).double()
    # Keep integer buffers (num_batches_tracked) as they are; .double() only touches floating tensors.
    return m.eval()


def export(name, outdir):
    if name == "resnet18":
        model, shape = build_resnet18(), (2, 3, 64, 64)
    elif name == "vit_tiny":
        model, shape = build_vit_tiny(), (2, 3, VIT_TINY["image_size"], VIT_TINY["image_size"])
    else:
        raise SystemExit(f"unknown model {name!r} (expected resnet18 or vit_tiny)")
    fixture_io.save(os.path.join(outdir, f"{name}.safetensors"), model.state_dict())
    fixture_io.save(os.path.join(outdir, f"{name}_io.safetensors"), reference(model, shape, seed=42))


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    outdir = argv[1]
    os.makedirs(outdir, exist_ok=True)
    for name in argv[2:] or ["resnet18", "vit_tiny"]:
        export(name, outdir)


if __name__ == "__main__":
    main(sys.argv)
