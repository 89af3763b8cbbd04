"""Reference values for the fusion methods' modality encoders.

    /usr/bin/python3 tests/reference/make_encoders_fixtures.py            # committed BERT fixture (KBs)
    /usr/bin/python3 tests/reference/make_encoders_fixtures.py OUTDIR     # ResNet-18 at test time (45 MB, not committed)

BERT: Hugging Face's BertModel forward written out in plain PyTorch (python3-transformers is not installed), with a
tiny random config (vocab 50, hidden 32, 2 layers, 4 heads, intermediate 64, 16 positions). Writes
tests/Medley.Torch.Tests/Fixtures/encoders_bert_tiny.safetensors: the checkpoint under "sd." in Hugging Face's
names (plus the embeddings.position_ids buffer that older checkpoints carry), a batch of token ids with an
attention mask (a padded row, a full row, an all-padding row), and in float64 the last hidden states, the pooled
output and the mean of the attended tokens' states.

ResNet-18 (OUTDIR given): torchvision's resnet18 built as in export_torchvision.py, its state dict
(OUTDIR/resnet18.safetensors) and OUTDIR/resnet18_features.safetensors: `input` and torchvision's average-pooled
feature (the input of fc) computed in float64.
"""
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_io  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "Medley.Torch.Tests", "Fixtures")

BERT_TINY = dict(vocab=50, hidden=32, layers=2, heads=4, intermediate=64, positions=16, types=2, eps=1e-12)


def bert_state_dict(c, generator):
    def rnd(*shape, scale=0.2):
        return scale * torch.randn(shape, generator=generator)

    h, i = c["hidden"], c["intermediate"]
    sd = {
        "embeddings.word_embeddings.weight": rnd(c["vocab"], h, scale=1.0),
        "embeddings.position_embeddings.weight": rnd(c["positions"], h, scale=0.5),
        "embeddings.token_type_embeddings.weight": rnd(c["types"], h, scale=0.5),
        "embeddings.LayerNorm.weight": 1 + rnd(h, scale=0.1),
        "embeddings.LayerNorm.bias": rnd(h, scale=0.1),
        "pooler.dense.weight": rnd(h, h),
        "pooler.dense.bias": rnd(h, scale=0.1),
    }
    for n in range(c["layers"]):
        p = f"encoder.layer.{n}."
        for name in ("query", "key", "value"):
            sd[p + f"attention.self.{name}.weight"] = rnd(h, h)
            sd[p + f"attention.self.{name}.bias"] = rnd(h, scale=0.1)
        sd[p + "attention.output.dense.weight"] = rnd(h, h)
        sd[p + "attention.output.dense.bias"] = rnd(h, scale=0.1)
        sd[p + "attention.output.LayerNorm.weight"] = 1 + rnd(h, scale=0.1)
        sd[p + "attention.output.LayerNorm.bias"] = rnd(h, scale=0.1)
        sd[p + "intermediate.dense.weight"] = rnd(i, h)
        sd[p + "intermediate.dense.bias"] = rnd(i, scale=0.1)
        sd[p + "output.dense.weight"] = rnd(h, i)
        sd[p + "output.dense.bias"] = rnd(h, scale=0.1)
        sd[p + "output.LayerNorm.weight"] = 1 + rnd(h, scale=0.1)
        sd[p + "output.LayerNorm.bias"] = rnd(h, scale=0.1)
    return sd


def bert_forward(sd, c, ids, mask, types=None):
    """Hugging Face BertModel (eval mode) with its formulas: post-norm layers, erf GELU, and the extended
    attention mask (1 - mask) * finfo.min added to the scores."""
    w = {k: v.double() for k, v in sd.items()}
    h, heads = c["hidden"], c["heads"]
    d = h // heads
    ln = lambda x, p: torch.nn.functional.layer_norm(x, (h,), w[p + ".weight"], w[p + ".bias"], c["eps"])  # noqa: E731
    lin = lambda x, p: x @ w[p + ".weight"].T + w[p + ".bias"]  # noqa: E731
    b, length = ids.shape
    types = torch.zeros_like(ids) if types is None else types
    x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][torch.arange(length)]
         + w["embeddings.token_type_embeddings.weight"][types])
    x = ln(x, "embeddings.LayerNorm")
    ext = (1.0 - mask.double()[:, None, None, :]) * torch.finfo(torch.float64).min
    for n in range(c["layers"]):
        p = f"encoder.layer.{n}."
        split = lambda t: t.view(b, length, heads, d).permute(0, 2, 1, 3)  # noqa: E731
        q, k, v = (split(lin(x, p + f"attention.self.{name}")) for name in ("query", "key", "value"))
        probs = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + ext, dim=-1)
        ctx = (probs @ v).permute(0, 2, 1, 3).reshape(b, length, h)
        a = ln(lin(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        inter = torch.nn.functional.gelu(lin(a, p + "intermediate.dense"))
        x = ln(lin(inter, p + "output.dense") + a, p + "output.LayerNorm")
    pooled = torch.tanh(lin(x[:, 0], "pooler.dense"))
    keep = mask.double()[:, :, None]
    mean = (x * keep).sum(1) / keep.sum(1).clamp(min=1.0)
    return x, pooled, mean


def make_bert():
    c = BERT_TINY
    g = torch.Generator().manual_seed(7)
    sd = bert_state_dict(c, g)
    ids = torch.randint(0, c["vocab"], (3, 10), generator=g)
    mask = torch.ones(3, 10, dtype=torch.int64)
    mask[0, 6:] = 0
    ids[0, 6:] = 0
    mask[2, :] = 0  # an absent report: every token is padding
    ids[2, :] = 0
    types = torch.zeros_like(ids)
    types[1, 5:] = 1
    last, pooled, mean = bert_forward(sd, c, ids, mask)
    last_t, _, _ = bert_forward(sd, c, ids, mask, types)
    out = {"sd." + k: v for k, v in sd.items()}
    out["sd.embeddings.position_ids"] = torch.arange(c["positions"]).unsqueeze(0)
    out.update(input_ids=ids, attention_mask=mask, token_type_ids=types, last_hidden=last, pooled=pooled, mean=mean,
               last_hidden_types=last_t, cls=last[:, 0])
    fixture_io.save(os.path.join(FIXTURES, "encoders_bert_tiny.safetensors"), out)


def make_resnet18(outdir):
    import copy
    import export_torchvision
    model = export_torchvision.build_resnet18()
    os.makedirs(outdir, exist_ok=True)
    fixture_io.save(os.path.join(outdir, "resnet18.safetensors"), model.state_dict())
    x = torch.randn((2, 3, 64, 64), generator=torch.Generator().manual_seed(42))
    reference = copy.deepcopy(model).double().eval()
    features = {}
    reference.avgpool.register_forward_hook(lambda m, i, o: features.update(pooled=torch.flatten(o, 1)))
    with torch.no_grad():
        reference(x.double())
    fixture_io.save(os.path.join(outdir, "resnet18_features.safetensors"), {"input": x, "features": features["pooled"]})


if __name__ == "__main__":
    if len(sys.argv) > 1:
        make_resnet18(sys.argv[1])
    else:
        make_bert()
