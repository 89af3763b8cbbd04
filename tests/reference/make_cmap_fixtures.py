"""Reference fixtures for CMAP-Fusion (src/Medley.Models) from bench/reference/cmap_fusion.py.

Writes tests/Medley.Models.Tests/Fixtures/cmap_*.safetensors:
  cmap_<variant>:  param.<name> (state dict in Medley naming), image, labs, target, logits, F_I, F_L, S, mask,
                   F_prune, loss.<term>, grad.<param> (after backward of the total loss, training mode)
  cmap_vit_hf / cmap_vit_timm: a tiny torchvision ViT written in Hugging Face / timm naming, with an input and
                   the expected class-token features and logits (checks Medley's name mappings).
Run: /usr/bin/python3 tests/reference/make_cmap_fixtures.py
"""
import os
import sys

import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench", "reference"))
from fixture_io import save  # noqa: E402
import cmap_fusion  # noqa: E402

OUT = os.path.join(HERE, "..", "Medley.Models.Tests", "Fixtures")

VARIANTS = {
    "vector": dict(),
    "tokens": dict(cmt_form="tokens"),
    "no_vit": dict(use_vit=False, cmt_form="tokens"),
    "no_trim": dict(use_smart_trim=False, cmt_form="tokens"),
    "no_cmt": dict(use_cmt=False),
    "none": dict(use_vit=False, use_smart_trim=False, use_cmt=False),
}
GRADS = ("smart_trim.score.weight", "smart_trim.score.bias", "cmt.q_proj.weight", "cmt.k_proj.weight",
         "concat_fusion.fc.weight", "lab_encoder.fc1.weight", "lab_steps.fc1.weight", "head.classifier.weight",
         "image_encoder.vit.conv_proj.weight", "image_encoder.proj.weight")


def make_variant(name, overrides, seed):
    torch.manual_seed(seed)
    cfg = dict(cmap_fusion.TINY, **overrides)
    model = cmap_fusion.CmapFusion(cfg)
    # Non-zero position embeddings and biases so every path matters.
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() == 1 and p.abs().sum() == 0:
                p.normal_(0, 0.1)
    b = 4
    image = torch.randn(b, 3, cfg["image_size"], cfg["image_size"])
    labs = torch.rand(b, cfg["lab_steps"], cfg["lab_vars"])
    target = torch.tensor([0, 2, 1, 2])
    model.train()
    out = model(image, labs)
    loss = model.loss(out, target)
    loss["total"].backward()
    t = {"param." + k: v for k, v in model.state_dict().items()}
    t.update(image=image, labs=labs, target=target)
    for k in ("logits", "F_I", "F_L", "S", "mask", "F_prune"):
        if out[k] is not None:
            t[k] = out[k]
    for k, v in loss.items():
        t["loss." + k] = v.reshape(())
    params = dict(model.named_parameters())
    for g in GRADS:
        if g in params:
            t["grad." + g] = params[g].grad
    meta = {k: str(v) for k, v in cfg.items()}
    save(os.path.join(OUT, f"cmap_{name}.safetensors"), t, meta)
    kept = out["mask"].mean().item()
    print(f"cmap_{name}: {len(t)} tensors, keep rate {kept:.2f}, loss {loss['total'].item():.4f}")


def vit_namings():
    torch.manual_seed(7)
    vit = torchvision.models.VisionTransformer(image_size=16, patch_size=4, num_layers=2, num_heads=2,
                                               hidden_dim=16, mlp_dim=32, num_classes=5)
    with torch.no_grad():
        for p in vit.parameters():
            p.add_(torch.randn_like(p) * 0.05)  # zero-initialised heads/biases become informative
    vit.eval()
    x = torch.randn(2, 3, 16, 16)
    with torch.no_grad():
        logits = vit(x)
        feats = vit.encoder(torch.cat([vit.class_token.expand(2, -1, -1), vit._process_input(x)], 1))[:, 0]
    sd = vit.state_dict()
    d = 16
    hf, timm = {}, {}
    hf["vit.embeddings.cls_token"] = sd["class_token"]
    hf["vit.embeddings.position_embeddings"] = sd["encoder.pos_embedding"]
    hf["vit.embeddings.patch_embeddings.projection.weight"] = sd["conv_proj.weight"]
    hf["vit.embeddings.patch_embeddings.projection.bias"] = sd["conv_proj.bias"]
    hf["vit.layernorm.weight"] = sd["encoder.ln.weight"]
    hf["vit.layernorm.bias"] = sd["encoder.ln.bias"]
    hf["classifier.weight"] = sd["heads.head.weight"]
    hf["classifier.bias"] = sd["heads.head.bias"]
    timm["cls_token"] = sd["class_token"]
    timm["pos_embed"] = sd["encoder.pos_embedding"]
    timm["patch_embed.proj.weight"] = sd["conv_proj.weight"]
    timm["patch_embed.proj.bias"] = sd["conv_proj.bias"]
    timm["norm.weight"] = sd["encoder.ln.weight"]
    timm["norm.bias"] = sd["encoder.ln.bias"]
    timm["head.weight"] = sd["heads.head.weight"]
    timm["head.bias"] = sd["heads.head.bias"]
    for i in range(2):
        tv = f"encoder.layers.encoder_layer_{i}."
        h = f"vit.encoder.layer.{i}."
        tm = f"blocks.{i}."
        w, bias = sd[tv + "self_attention.in_proj_weight"], sd[tv + "self_attention.in_proj_bias"]
        for j, part in enumerate(("query", "key", "value")):
            hf[h + f"attention.attention.{part}.weight"] = w[j * d:(j + 1) * d]
            hf[h + f"attention.attention.{part}.bias"] = bias[j * d:(j + 1) * d]
        timm[tm + "attn.qkv.weight"] = w
        timm[tm + "attn.qkv.bias"] = bias
        for suffix in ("weight", "bias"):
            pairs = [("ln_1", "layernorm_before", "norm1"), ("self_attention.out_proj", "attention.output.dense", "attn.proj"),
                     ("ln_2", "layernorm_after", "norm2"), ("mlp.0", "intermediate.dense", "mlp.fc1"),
                     ("mlp.3", "output.dense", "mlp.fc2")]
            for tvn, hfn, tmn in pairs:
                hf[h + f"{hfn}.{suffix}"] = sd[tv + f"{tvn}.{suffix}"]
                timm[tm + f"{tmn}.{suffix}"] = sd[tv + f"{tvn}.{suffix}"]
    hf["vit.pooler.dense.weight"] = torch.randn(d, d)  # present in ViTModel checkpoints; Medley drops it
    hf["vit.pooler.dense.bias"] = torch.randn(d)
    for name, weights in (("hf", hf), ("timm", timm)):
        t = {"w." + k: v for k, v in weights.items()}
        t.update(input=x, features=feats, logits=logits)
        save(os.path.join(OUT, f"cmap_vit_{name}.safetensors"), t)
        print(f"cmap_vit_{name}: {len(weights)} weights")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for i, (n, o) in enumerate(VARIANTS.items()):
        make_variant(n, o, 100 + i)
    vit_namings()
