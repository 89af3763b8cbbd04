"""Reference values for Medley's containers, initialisers, attention, transformer layers and reference models.

    /usr/bin/python3 tests/reference/make_layers_fixtures.py

Writes tests/Medley.Torch.Tests/Fixtures/layers_*.safetensors. Conventions per case (prefix `<case>.`):
  sd.<name>      the PyTorch module's float32 state dict (Medley loads it strictly)
  in.<name>      float32 inputs (bool masks, int64 tokens)
  upstream       a fixed random tensor R: the loss is sum(output * R), so every gradient is non-trivial
  out / weights  expected outputs, computed in float64 from the same float32 values
  grad.<name>    expected gradients of the loss w.r.t. inputs (grad.in.<name>) and parameters (grad.sd.<name>)
"""
import copy
import math
import os
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fixture_io  # noqa: E402
import export_torchvision  # noqa: E402

OUT = os.path.join(HERE, "..", "Medley.Torch.Tests", "Fixtures")


# ---- initialisers ----------------------------------------------------------------------------------------------
def init_fixtures():
    """Each initialiser run under torch.manual_seed(s); Medley must match with Generator(s)."""
    out = {}

    def case(name, shape, seed, fn):
        torch.manual_seed(seed)
        t = torch.empty(shape)
        fn(t)
        out[name] = t.clone()

    init = nn.init
    case("uniform", (5, 7), 1, lambda t: init.uniform_(t, -0.5, 1.5))
    case("normal", (6, 8), 2, lambda t: init.normal_(t, 0.3, 2.0))
    case("xavier_uniform", (16, 12, 3), 3, lambda t: init.xavier_uniform_(t, gain=1.3))
    case("xavier_normal", (20, 10), 4, lambda t: init.xavier_normal_(t))
    case("kaiming_uniform", (8, 4, 3, 3), 5, lambda t: init.kaiming_uniform_(t, a=math.sqrt(5)))
    case("kaiming_uniform_fan_out_relu", (8, 4, 3, 3), 6,
         lambda t: init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu"))
    case("kaiming_normal", (30, 20), 7, lambda t: init.kaiming_normal_(t))
    case("kaiming_normal_fan_out_relu", (16, 8, 3, 3), 8,
         lambda t: init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu"))
    case("trunc_normal", (40, 25), 9, lambda t: init.trunc_normal_(t))
    case("trunc_normal_shifted", (40, 25), 10, lambda t: init.trunc_normal_(t, mean=0.5, std=0.2, a=0.1, b=0.8))
    case("trunc_normal_vit", (32, 3, 8, 8), 11, lambda t: init.trunc_normal_(t, std=math.sqrt(1 / 192)))
    gains = torch.tensor([init.calculate_gain(n) for n in ("linear", "conv2d", "sigmoid", "tanh", "relu", "leaky_relu", "selu")]
                         + [init.calculate_gain("leaky_relu", 0.2)], dtype=torch.float64)
    out["gains"] = gains
    fixture_io.save(os.path.join(OUT, "layers_init.safetensors"), out)


# ---- helpers for module cases ----------------------------------------------------------------------------------
def run_case(out, prefix, module, inputs, call, grad_inputs=()):
    """Stores the module's state dict, inputs, float64 outputs and gradients of sum(out * upstream)."""
    for k, v in module.state_dict().items():
        out[f"{prefix}.sd.{k}"] = v.clone()
    for k, v in inputs.items():
        out[f"{prefix}.in.{k}"] = v.clone()

    m64 = copy.deepcopy(module).double()
    in64 = {k: (v.double() if v.is_floating_point() else v.clone()) for k, v in inputs.items()}
    for k in grad_inputs:
        in64[k].requires_grad_(True)
    result = call(m64, in64)
    output, weights = (result if isinstance(result, tuple) else (result, None))
    upstream = torch.randn(output.shape)  # float32, so both sides use exactly the same values
    (output * upstream.double()).sum().backward()
    out[f"{prefix}.upstream"] = upstream
    out[f"{prefix}.out"] = output.detach()
    if weights is not None:
        out[f"{prefix}.weights"] = weights.detach()
    for k in grad_inputs:
        out[f"{prefix}.grad.in.{k}"] = in64[k].grad
    for k, p in m64.named_parameters():
        assert p.grad is not None, f"{prefix}: no gradient for {k}"
        out[f"{prefix}.grad.sd.{k}"] = p.grad
    return out


# ---- multi-head attention --------------------------------------------------------------------------------------
def attention_fixtures():
    out = {}
    torch.manual_seed(0)
    E, H, N, L, S = 8, 2, 3, 4, 5

    def mha_call(kw):
        def call(m, i):
            return m(i["query"], i["key"], i["value"], **{k: (i[v] if isinstance(v, str) else v) for k, v in kw.items()})
        return call

    def with_biases(m):
        # PyTorch zero-initialises the projection biases: give them values so their use is checked.
        with torch.no_grad():
            if m.in_proj_bias is not None:
                m.in_proj_bias.normal_(0, 0.3)
            if m.out_proj.bias is not None:
                m.out_proj.bias.normal_(0, 0.3)
        return m.eval()

    # self-attention, batch_first, averaged weights
    m = with_biases(nn.MultiheadAttention(E, H, batch_first=True))
    x = torch.randn(N, L, E)
    cases = {"self": (m, {"query": x, "key": x, "value": x}, {})}

    # cross-attention with kdim/vdim, sequence-first, per-head weights
    m = with_biases(nn.MultiheadAttention(E, H, kdim=6, vdim=7))
    cases["cross"] = (m, {"query": torch.randn(L, N, E), "key": torch.randn(S, N, 6), "value": torch.randn(S, N, 7)},
                      {"average_attn_weights": False})

    # key padding mask (True = ignore); each batch keeps at least one key
    m = with_biases(nn.MultiheadAttention(E, H, batch_first=True))
    kpm = torch.tensor([[False, False, False, True, True], [False, True, False, False, False], [False] * 5])
    cases["padding"] = (m, {"query": torch.randn(N, L, E), "key": torch.randn(N, S, E), "value": torch.randn(N, S, E),
                            "key_padding_mask": kpm}, {"key_padding_mask": "key_padding_mask"})

    # boolean attention mask (causal-like, L x S) together with padding
    m = with_biases(nn.MultiheadAttention(E, H, batch_first=True))
    bool_mask = torch.triu(torch.ones(L, S, dtype=torch.bool), diagonal=2)
    cases["bool_mask"] = (m, {"query": torch.randn(N, L, E), "key": torch.randn(N, S, E), "value": torch.randn(N, S, E),
                              "attn_mask": bool_mask, "key_padding_mask": kpm},
                          {"attn_mask": "attn_mask", "key_padding_mask": "key_padding_mask"})

    # float attention mask, 3-d (N*H, L, S), without biases
    m = nn.MultiheadAttention(E, H, bias=False, batch_first=True).eval()
    cases["float_mask"] = (m, {"query": torch.randn(N, L, E), "key": torch.randn(N, S, E), "value": torch.randn(N, S, E),
                               "attn_mask": torch.randn(N * H, L, S)}, {"attn_mask": "attn_mask"})

    for name, (module, inputs, kw) in cases.items():
        grad_inputs = [k for k in ("query", "key", "value") if k in inputs and not (name == "self" and k != "query")]
        if name == "self":
            def call(m, i):
                return m(i["query"], i["query"], i["query"])
            run_case(out, name, module, {"query": inputs["query"]}, call, ["query"])
        else:
            run_case(out, name, module, inputs, mha_call(kw), grad_inputs)
    fixture_io.save(os.path.join(OUT, "layers_attention.safetensors"), out)


# ---- transformer encoder layers --------------------------------------------------------------------------------
def transformer_fixtures():
    out = {}
    torch.manual_seed(1)
    d, h, ff, N, L = 8, 2, 16, 3, 5
    kpm = torch.tensor([[False, False, False, True, True], [False] * 5, [False, False, False, False, True]])

    def randomise(m):
        with torch.no_grad():
            for mod in m.modules():
                if isinstance(mod, nn.LayerNorm):
                    mod.weight.normal_(1, 0.2)
                    mod.bias.normal_(0, 0.2)
                if isinstance(mod, nn.MultiheadAttention):
                    mod.in_proj_bias.normal_(0, 0.3)
                    mod.out_proj.bias.normal_(0, 0.3)
        return m.eval()

    def layer_call(with_mask):
        def call(m, i):
            return m(i["src"], src_key_padding_mask=i["src_key_padding_mask"] if with_mask else None)
        return call

    configs = {
        "post_relu": dict(activation="relu", norm_first=False, batch_first=True),
        "pre_gelu": dict(activation="gelu", norm_first=True, batch_first=True),
        "post_gelu_padding": dict(activation="gelu", norm_first=False, batch_first=True),
        "pre_relu_padding_seqfirst": dict(activation="relu", norm_first=True, batch_first=False),
    }
    for name, cfg in configs.items():
        m = randomise(nn.TransformerEncoderLayer(d, h, ff, dropout=0.1, layer_norm_eps=1e-5, **cfg))
        masked = "padding" in name
        src = torch.randn(N, L, d) if cfg["batch_first"] else torch.randn(L, N, d)
        inputs = {"src": src}
        if masked:
            inputs["src_key_padding_mask"] = kpm
        run_case(out, name, m, inputs, layer_call(masked), ["src"])

    # a stack of two layers with a final norm and a causal float mask
    layer = nn.TransformerEncoderLayer(d, h, ff, dropout=0.1, activation="gelu", batch_first=True)
    enc = randomise(nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(d), enable_nested_tensor=False))
    with torch.no_grad():
        for p in enc.layers[1].parameters():
            p.add_(0.05 * torch.randn(p.shape))  # the clones start equal; make layer 1 differ
    causal = torch.triu(torch.full((L, L), float("-inf")), diagonal=1)
    run_case(out, "encoder", enc, {"src": torch.randn(N, L, d), "mask": causal, "src_key_padding_mask": kpm},
             lambda m, i: m(i["src"], mask=i["mask"], src_key_padding_mask=i["src_key_padding_mask"]), ["src"])
    fixture_io.save(os.path.join(OUT, "layers_transformer.safetensors"), out)


# ---- small reference models ------------------------------------------------------------------------------------
class SmallTransformer(nn.Module):
    """Token embedding + 2 encoder layers + mean over positions + linear head (mirrors the C# test model)."""

    def __init__(self, vocab=20, d=16, heads=4, ff=32, layers=2, classes=3):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        layer = nn.TransformerEncoderLayer(d, heads, ff, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.head = nn.Linear(d, classes)

    def forward(self, tokens, pad):
        x = self.encoder(self.embed(tokens), src_key_padding_mask=pad)
        return self.head(x.mean(dim=1))


def small_cnn():
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 4 * 4, 10))


def model_fixtures():
    out = {}
    torch.manual_seed(2)
    cnn = small_cnn().train()  # batch statistics in the forward pass; running stats are updated too
    x = torch.randn(4, 3, 16, 16)
    run_case(out, "cnn", cnn, {"x": x}, lambda m, i: m(i["x"]), ["x"])
    after = copy.deepcopy(cnn).double()
    after(x.double())
    for k, v in after.state_dict().items():
        if "running" in k:
            out[f"cnn.after.{k}"] = v

    torch.manual_seed(3)
    tr = SmallTransformer().eval()
    with torch.no_grad():
        for p in tr.encoder.layers[1].parameters():
            p.add_(0.05 * torch.randn(p.shape))
    tokens = torch.randint(0, 20, (3, 6))
    pad = torch.tensor([[False] * 6, [False] * 4 + [True] * 2, [False] * 5 + [True]])
    run_case(out, "transformer", tr, {"tokens": tokens, "pad": pad}, lambda m, i: m(i["tokens"], i["pad"]))
    fixture_io.save(os.path.join(OUT, "layers_models.safetensors"), out)

    # the tiny torchvision ViT (committed; ResNet-18 is exported at test time by export_torchvision.py)
    vit = export_torchvision.build_vit_tiny()
    vit_out = {f"sd.{k}": v for k, v in vit.state_dict().items()}
    ref = export_torchvision.reference(vit, (2, 3, 32, 32), seed=42)
    vit_out["input"] = ref["input"]
    vit_out["logits"] = ref["logits"]
    fixture_io.save(os.path.join(OUT, "layers_vit_tiny.safetensors"), vit_out)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    init_fixtures()
    attention_fixtures()
    transformer_fixtures()
    model_fixtures()
