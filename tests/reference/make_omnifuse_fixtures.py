"""Reference fixture for OmniFuse (src/Medley.Models/Methods/OmniFuse) from bench/reference/omnifuse.py.

Writes tests/Medley.Models.Tests/Fixtures/omnifuse_reference.safetensors (float32, a tiny 3-modality model):
  param.<name>       state dict in Medley naming
  input.<m>, input.<m>.present, target, seed
  train.*            training mode; the drop mask comes from torch.rand right after torch.manual_seed(SEED) (Medley's
                     Engine.ManualSeed draws the same numbers from the same libtorch generator); train.draw is that draw,
                     train.imputed the resulting "imputed" feature. logits, modality_logits, omega, S, V_imputed,
                     loss.<term> (dw_enc, dw_rs, imp_fw, imp_bw, total), grad.<param> after backward of the total.
  eval.*             eval mode (no drop): logits, omega, loss.<term>
  lazy.*             eval mode with only modalities 0 and 2 kept (a TLA combination): logits, imputed
Run: /usr/bin/python3 tests/reference/make_omnifuse_fixtures.py
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench", "reference"))
from fixture_io import save  # noqa: E402
import omnifuse  # noqa: E402

OUT = os.path.join(HERE, "..", "Medley.Models.Tests", "Fixtures")
# Kept in sync with OmniFuseReferenceTests.Config.
MODALITIES = [("img", 6), ("txt", 8), ("ehr", 4)]
CONFIG = dict(num_classes=3, embed_dim=5, num_autoencoders=5, latent_dim=3, classifier_hidden=4, p_drop=0.3)
SEED = 1234
B = 8


def main():
    torch.manual_seed(0)
    model = omnifuse.OmniFuse(MODALITIES, **CONFIG)
    # Non-zero biases everywhere (Medley's embedding encoder starts at zero bias; the zero-input embedding is the bias).
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.1 * torch.randn_like(p))
    out = {"param." + k: v.clone() for k, v in model.state_dict().items()}

    inputs = {}
    presence = torch.tensor([[1, 1, 1], [1, 0, 1], [0, 1, 1], [1, 1, 0], [0, 0, 1], [1, 0, 0], [1, 1, 1], [0, 1, 0]],
                            dtype=torch.bool)
    for i, (name, e) in enumerate(MODALITIES):
        x = torch.randn(B, e) * presence[:, i:i + 1]
        inputs[name] = x
        inputs[name + ".present"] = presence[:, i].clone()
    target = torch.tensor([0, 2, 1, 1, 0, 2, 2, 1], dtype=torch.int64)
    for k, v in inputs.items():
        out["input." + k] = v
    out["target"] = target
    out["seed"] = torch.tensor([SEED], dtype=torch.int64)

    model.train()
    torch.manual_seed(SEED)
    logits, aux, features = model(inputs)
    torch.manual_seed(SEED)
    out["train.draw"] = torch.rand(B, len(MODALITIES))
    total, terms = model.loss(logits, aux, features, target)
    out.update({"train.logits": logits, "train.modality_logits": features["modality_logits"],
                "train.omega": features["omega"], "train.S": features["S"], "train.V_imputed": features["V_imputed"],
                "train.imputed": features["imputed"], "train.loss.total": total})
    out.update({"train.loss." + k: v for k, v in terms.items()})
    total.backward()
    out.update({"grad." + k: p.grad.clone() for k, p in model.named_parameters()})

    model.eval()
    with torch.no_grad():
        logits, aux, features = model(inputs)
        total, terms = model.loss(logits, aux, features, target)
        out.update({"eval.logits": logits, "eval.omega": features["omega"], "eval.loss.total": total})
        out.update({"eval.loss." + k: v for k, v in terms.items()})
        logits, _, features = model(inputs, omnifuse.pattern(5, 3), allow_drop=False)
        out.update({"lazy.logits": logits, "lazy.imputed": features["imputed"]})

    assert "train.loss.imp_fw" in out, "the seeded draw dropped nothing; pick another SEED"
    assert out["train.imputed"].sum() > presence.logical_not().sum(), "the seeded draw dropped nothing"
    save(os.path.join(OUT, "omnifuse_reference.safetensors"), out)
    print("wrote", len(out), "tensors")


if __name__ == "__main__":
    main()
