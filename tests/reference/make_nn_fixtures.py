"""Reference values for Medley's neural-network functional ops and layers (tests/Medley.Torch.Tests/Functional*Tests.cs,
Layer*Tests.cs). Each case "name" stores its inputs as name.<input>, the output as name.out, a random weighting
name.r, and the gradients of (out * r).sum() as name.grad.<input>. Layers store their state dict as name.sd.<key>
and parameter gradients as name.pgrad.<key>. Everything is float64. Run: /usr/bin/python3 make_nn_fixtures.py
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from fixture_io import save

OUT = os.path.join(os.path.dirname(__file__), "..", "Medley.Torch.Tests", "Fixtures")
torch.set_default_dtype(torch.float64)


def rnd(*shape, grad=True):
    return torch.randn(*shape, requires_grad=grad)


def case(store, name, fn, **inputs):
    """Runs fn on inputs, records the output and the gradients of a random-weighted sum for inputs requiring grad."""
    out = fn(**inputs)
    store[f"{name}.out"] = out
    if out.requires_grad:
        r = torch.randn_like(out)
        (out * r).sum().backward()
        store[f"{name}.r"] = r
    for k, v in inputs.items():
        store[f"{name}.{k}"] = v
        if v.requires_grad:
            store[f"{name}.grad.{k}"] = v.grad


def layer_case(store, name, layer, x, forward=None):
    forward = forward or (lambda m, t: m(t))
    for k, v in layer.state_dict().items():
        store[f"{name}.sd.{k}"] = v.clone()
    out = forward(layer, x)
    r = torch.randn_like(out)
    (out * r).sum().backward()
    store[f"{name}.x"] = x
    store[f"{name}.out"] = out
    store[f"{name}.r"] = r
    store[f"{name}.grad.x"] = x.grad
    for k, p in layer.named_parameters():
        store[f"{name}.pgrad.{k}"] = p.grad


def conv_fixtures():
    torch.manual_seed(1)
    s = {}
    case(s, "conv1d", lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1), x=rnd(2, 3, 9), w=rnd(4, 3, 3), b=rnd(4))
    case(s, "conv2d", lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2)), x=rnd(2, 3, 7, 6), w=rnd(5, 3, 3, 2), b=rnd(5))
    case(s, "conv2d_grouped_dilated", lambda x, w, b: F.conv2d(x, w, b, padding=2, dilation=2, groups=2),
         x=rnd(2, 4, 7, 7), w=rnd(6, 2, 3, 3), b=rnd(6))
    case(s, "conv2d_same", lambda x, w: F.conv2d(x, w, None, padding="same", dilation=(1, 2)), x=rnd(1, 2, 6, 5), w=rnd(3, 2, 4, 3))
    case(s, "conv2d_unbatched", lambda x, w: F.conv2d(x, w), x=rnd(2, 5, 5), w=rnd(3, 2, 3, 3))
    case(s, "conv3d", lambda x, w, b: F.conv3d(x, w, b, stride=(1, 2, 2), padding=1), x=rnd(1, 2, 4, 5, 5), w=rnd(3, 2, 3, 3, 3), b=rnd(3))
    case(s, "conv3d_same", lambda x, w: F.conv3d(x, w, padding="same"), x=rnd(1, 2, 4, 4, 4), w=rnd(2, 2, 2, 3, 2))
    case(s, "convt2d", lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1, groups=2, dilation=1),
         x=rnd(2, 4, 4, 3), w=rnd(4, 3, 3, 3), b=rnd(6))
    case(s, "convt3d", lambda x, w, b: F.conv_transpose3d(x, w, b, stride=(2, 1, 2), padding=(0, 1, 1), output_padding=(1, 0, 0)),
         x=rnd(1, 2, 3, 3, 3), w=rnd(2, 3, 2, 3, 3), b=rnd(3))
    save(os.path.join(OUT, "nn_conv.safetensors"), s)


def pool_fixtures():
    torch.manual_seed(2)
    s = {}
    case(s, "maxpool2d", lambda x: F.max_pool2d(x, 3, stride=2, padding=1), x=rnd(2, 3, 7, 8))
    case(s, "maxpool2d_ceil_dilated", lambda x: F.max_pool2d(x, (2, 3), stride=2, dilation=(2, 1), ceil_mode=True), x=rnd(1, 2, 8, 9))
    case(s, "maxpool3d", lambda x: F.max_pool3d(x, 2, stride=(1, 2, 2), ceil_mode=True), x=rnd(1, 2, 5, 5, 6))
    case(s, "avgpool2d", lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False), x=rnd(2, 3, 7, 7))
    case(s, "avgpool2d_ceil", lambda x: F.avg_pool2d(x, 2, stride=2, ceil_mode=True), x=rnd(1, 2, 5, 7))
    case(s, "avgpool3d", lambda x: F.avg_pool3d(x, (2, 2, 3), padding=(1, 0, 1)), x=rnd(1, 2, 4, 4, 6))
    case(s, "adaptiveavg2d", lambda x: F.adaptive_avg_pool2d(x, (3, 2)), x=rnd(2, 3, 7, 5))
    case(s, "adaptiveavg3d", lambda x: F.adaptive_avg_pool3d(x, 2), x=rnd(1, 2, 5, 4, 3))
    case(s, "adaptivemax2d", lambda x: F.adaptive_max_pool2d(x, (2, 3)), x=rnd(2, 2, 5, 7))
    case(s, "adaptivemax3d", lambda x: F.adaptive_max_pool3d(x, (1, 2, 2)), x=rnd(1, 2, 3, 5, 4))
    save(os.path.join(OUT, "nn_pool.safetensors"), s)


def resample_fixtures():
    torch.manual_seed(3)
    s = {}
    case(s, "nearest_size", lambda x: F.interpolate(x, size=(5, 7), mode="nearest"), x=rnd(1, 2, 3, 4))
    case(s, "nearest_scale", lambda x: F.interpolate(x, scale_factor=1.7, mode="nearest"), x=rnd(1, 2, 3, 4))
    case(s, "bilinear", lambda x: F.interpolate(x, size=(6, 5), mode="bilinear", align_corners=False), x=rnd(2, 2, 3, 4))
    case(s, "bilinear_ac", lambda x: F.interpolate(x, scale_factor=(2.0, 1.5), mode="bilinear", align_corners=True), x=rnd(1, 2, 3, 4))
    case(s, "bicubic", lambda x: F.interpolate(x, size=(7, 6), mode="bicubic", align_corners=False), x=rnd(1, 2, 4, 4))
    case(s, "bicubic_ac", lambda x: F.interpolate(x, size=(5, 5), mode="bicubic", align_corners=True), x=rnd(1, 1, 3, 4))
    case(s, "trilinear", lambda x: F.interpolate(x, scale_factor=2, mode="trilinear"), x=rnd(1, 2, 2, 3, 2))
    case(s, "trilinear_ac", lambda x: F.interpolate(x, size=(3, 4, 5), mode="trilinear", align_corners=True), x=rnd(1, 1, 2, 3, 2))
    case(s, "linear", lambda x: F.interpolate(x, size=7, mode="linear"), x=rnd(2, 2, 4))
    case(s, "pad_constant", lambda x: F.pad(x, (1, 2, 0, 1), value=0.5), x=rnd(2, 3, 4))
    case(s, "pad_reflect", lambda x: F.pad(x, (2, 1, 1, 2), mode="reflect"), x=rnd(1, 2, 4, 5))
    case(s, "pad_replicate", lambda x: F.pad(x, (1, 1, 2, 0, 1, 1), mode="replicate"), x=rnd(1, 2, 3, 3, 4))
    case(s, "pad_circular", lambda x: F.pad(x, (1, 2), mode="circular"), x=rnd(2, 2, 5))
    save(os.path.join(OUT, "nn_resample.safetensors"), s)


def norm_act_fixtures():
    torch.manual_seed(4)
    s = {}
    case(s, "layernorm", lambda x, w, b: F.layer_norm(x, (3, 4), w, b, eps=1e-4), x=rnd(2, 5, 3, 4), w=rnd(3, 4), b=rnd(3, 4))
    case(s, "groupnorm", lambda x, w, b: F.group_norm(x, 2, w, b), x=rnd(2, 4, 3, 3), w=rnd(4), b=rnd(4))
    case(s, "instancenorm", lambda x, w, b: F.instance_norm(x, weight=w, bias=b), x=rnd(2, 3, 5, 4), w=rnd(3), b=rnd(3))
    # batch_norm in training mode: also records the updated running statistics
    rm, rv = torch.randn(3), torch.rand(3) + 0.5
    s["batchnorm_train.rm_before"], s["batchnorm_train.rv_before"] = rm.clone(), rv.clone()
    case(s, "batchnorm_train", lambda x, w, b: F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.2), x=rnd(4, 3, 2, 2), w=rnd(3), b=rnd(3))
    s["batchnorm_train.rm_after"], s["batchnorm_train.rv_after"] = rm, rv
    rm2, rv2 = torch.randn(3), torch.rand(3) + 0.5
    s["batchnorm_eval.rm"], s["batchnorm_eval.rv"] = rm2, rv2
    case(s, "batchnorm_eval", lambda x, w, b: F.batch_norm(x, rm2, rv2, w, b, training=False, eps=1e-3), x=rnd(4, 3, 5), w=rnd(3), b=rnd(3))
    case(s, "normalize", lambda x: F.normalize(x, dim=1), x=rnd(3, 4, 2))
    case(s, "normalize_p1", lambda x: F.normalize(x, p=1, dim=-1), x=rnd(3, 5))
    case(s, "relu", lambda x: F.relu(x), x=rnd(3, 4))
    case(s, "leaky_relu", lambda x: F.leaky_relu(x, 0.2), x=rnd(3, 4))
    case(s, "gelu", lambda x: F.gelu(x), x=rnd(3, 4))
    case(s, "gelu_tanh", lambda x: F.gelu(x, approximate="tanh"), x=rnd(3, 4))
    case(s, "sigmoid", lambda x: torch.sigmoid(x), x=rnd(3, 4))
    case(s, "tanh", lambda x: torch.tanh(x), x=rnd(3, 4))
    case(s, "silu", lambda x: F.silu(x), x=rnd(3, 4))
    case(s, "softmax", lambda x: F.softmax(x, dim=1), x=rnd(3, 4, 2))
    case(s, "log_softmax", lambda x: F.log_softmax(x, dim=-1), x=rnd(3, 4))
    emb_idx = torch.tensor([[1, 0, 4], [2, 2, 0]])
    case(s, "embedding", lambda idx, w: F.embedding(idx, w, padding_idx=0), idx=emb_idx, w=rnd(5, 3))
    case(s, "one_hot", lambda idx: F.one_hot(idx, 6), idx=torch.tensor([[0, 5, 2], [3, 3, 1]]))
    save(os.path.join(OUT, "nn_normact.safetensors"), s)


def loss_fixtures():
    torch.manual_seed(5)
    s = {}
    t = torch.tensor([1, 0, 3, 2, 3, 1])
    t_ign = torch.tensor([1, -100, 3, 2, 3, 1])
    t_ign7 = torch.tensor([1, 7, 3, 7, 0, 2])
    case(s, "ce", lambda x, t: F.cross_entropy(x, t), x=rnd(6, 4), t=t)
    case(s, "ce_sum_ignore", lambda x, t: F.cross_entropy(x, t, reduction="sum"), x=rnd(6, 4), t=t_ign)
    case(s, "ce_weight_smooth_ignore", lambda x, t, w: F.cross_entropy(x, t, weight=w, ignore_index=7, label_smoothing=0.1),
         x=rnd(6, 4), t=t_ign7, w=torch.rand(4) + 0.5)
    case(s, "ce_none_spatial", lambda x, t: F.cross_entropy(x, t, reduction="none", label_smoothing=0.2),
         x=rnd(2, 3, 2, 2), t=torch.randint(0, 3, (2, 2, 2)))
    case(s, "ce_probs", lambda x, t, w: F.cross_entropy(x, t, weight=w, label_smoothing=0.05),
         x=rnd(5, 3), t=torch.softmax(torch.randn(5, 3), 1), w=torch.rand(3) + 0.5)
    case(s, "nll", lambda x, t, w: F.nll_loss(x, t, weight=w, ignore_index=7), x=rnd(6, 4), t=t_ign7, w=torch.rand(4) + 0.5)
    case(s, "bce_logits", lambda x, t, w, pw: F.binary_cross_entropy_with_logits(x, t, weight=w, pos_weight=pw),
         x=rnd(4, 3), t=torch.rand(4, 3), w=torch.rand(4, 3), pw=torch.rand(3) + 0.5)
    case(s, "bce_logits_sum", lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction="sum"), x=rnd(5), t=torch.randint(0, 2, (5,)).double())
    case(s, "bce", lambda x, t, w: F.binary_cross_entropy(torch.sigmoid(x), t, weight=w), x=rnd(4, 3), t=torch.rand(4, 3), w=torch.rand(4, 3))
    case(s, "mse", lambda x, t: F.mse_loss(x, t), x=rnd(3, 4), t=rnd(3, 4, grad=False))
    case(s, "mse_none", lambda x, t: F.mse_loss(x, t, reduction="none"), x=rnd(3, 4), t=rnd(3, 4))
    case(s, "l1", lambda x, t: F.l1_loss(x, t, reduction="sum"), x=rnd(3, 4), t=rnd(3, 4, grad=False))
    case(s, "smooth_l1", lambda x, t: F.smooth_l1_loss(x, t, beta=0.5), x=rnd(3, 4), t=rnd(3, 4, grad=False))
    case(s, "cosine", lambda a, b: F.cosine_similarity(a, b, dim=1), a=rnd(4, 5), b=rnd(4, 5))
    case(s, "cosine_bcast", lambda a, b: F.cosine_similarity(a, b, dim=-1, eps=1e-6), a=rnd(3, 1, 4), b=rnd(2, 4))
    save(os.path.join(OUT, "nn_loss.safetensors"), s)


def rnn_fixtures():
    torch.manual_seed(6)
    s = {}
    lengths = torch.tensor([5, 3, 4])
    s["lengths"] = lengths

    def packed_forward(m, x, lengths, state, lstm):
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, hn = m(packed, state)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
        return out, hn

    def rnn_case(name, m, x, state, lengths, lstm):
        for k, v in m.state_dict().items():
            s[f"{name}.sd.{k}"] = v.clone()
        if lengths is not None:
            out, hn = packed_forward(m, x, lengths, state, lstm)
        else:
            out, hn = m(x, state)
        states = list(hn) if lstm else [hn]
        r = torch.randn_like(out)
        rs = [torch.randn_like(h) for h in states]
        loss = (out * r).sum() + sum((h * q).sum() for h, q in zip(states, rs))
        loss.backward()
        s[f"{name}.x"], s[f"{name}.out"], s[f"{name}.r"] = x, out, r
        s[f"{name}.grad.x"] = x.grad
        for i, (h, q) in enumerate(zip(states, rs)):
            s[f"{name}.state{i}"], s[f"{name}.rstate{i}"] = h, q
        if state is not None:
            for i, h in enumerate(state if lstm else [state]):
                s[f"{name}.h0_{i}"], s[f"{name}.grad.h0_{i}"] = h, h.grad
        for k, p in m.named_parameters():
            s[f"{name}.pgrad.{k}"] = p.grad

    lstm = nn.LSTM(4, 3, num_layers=2, bidirectional=True, batch_first=True)
    rnn_case("lstm_packed", lstm, rnd(3, 5, 4), (rnd(4, 3, 3), rnd(4, 3, 3)), lengths, True)
    lstm1 = nn.LSTM(3, 5)
    rnn_case("lstm_plain", lstm1, rnd(6, 2, 3), None, None, True)
    gru = nn.GRU(4, 3, num_layers=2, bidirectional=True, batch_first=True)
    rnn_case("gru_packed", gru, rnd(3, 5, 4), rnd(4, 3, 3), lengths, False)
    gru1 = nn.GRU(3, 4, bias=False)
    rnn_case("gru_plain", gru1, rnd(5, 2, 3), None, None, False)
    save(os.path.join(OUT, "nn_rnn.safetensors"), s)


def layer_fixtures():
    torch.manual_seed(7)
    s = {}
    layer_case(s, "conv2d", nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2), rnd(2, 4, 7, 6))
    layer_case(s, "conv2d_same_reflect", nn.Conv2d(2, 3, (3, 4), padding="same", padding_mode="reflect", bias=False), rnd(1, 2, 6, 6))
    layer_case(s, "conv1d", nn.Conv1d(3, 2, 3, dilation=2), rnd(2, 3, 9))
    layer_case(s, "conv3d", nn.Conv3d(2, 3, 2, padding=(1, 0, 0)), rnd(1, 2, 3, 4, 4))
    layer_case(s, "convt2d", nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1), rnd(2, 3, 3, 4))
    layer_case(s, "convt3d", nn.ConvTranspose3d(2, 2, 2, stride=2), rnd(1, 2, 2, 2, 3))
    layer_case(s, "layernorm", nn.LayerNorm([4]), rnd(3, 2, 4))
    gn = nn.GroupNorm(2, 4)
    with torch.no_grad():
        gn.weight.normal_()
        gn.bias.normal_()
    layer_case(s, "groupnorm", gn, rnd(2, 4, 3))
    emb = nn.Embedding(6, 3, padding_idx=2)
    idx = torch.tensor([[0, 2, 5], [2, 1, 1]])
    for k, v in emb.state_dict().items():
        s[f"embedding.sd.{k}"] = v.clone()
    out = emb(idx)
    r = torch.randn_like(out)
    (out * r).sum().backward()
    s["embedding.idx"], s["embedding.out"], s["embedding.r"], s["embedding.pgrad.weight"] = idx, out, r, emb.weight.grad

    # BatchNorm2d: one training step (batch stats, running stats updated), then eval on new data
    bn = nn.BatchNorm2d(3, momentum=0.3)
    with torch.no_grad():
        bn.weight.normal_()
        bn.bias.normal_()
    layer_case(s, "bn_train", bn, rnd(4, 3, 2, 3))
    for k, v in bn.state_dict().items():
        s[f"bn_train.after.{k}"] = v.clone()
    bn.eval()
    x2 = rnd(2, 3, 2, 2)
    out2 = bn(x2)
    s["bn_eval.x"], s["bn_eval.out"] = x2, out2
    bn1 = nn.BatchNorm1d(4, momentum=None)
    x3 = rnd(5, 4, 2)
    for k, v in bn1.state_dict().items():
        s[f"bn1d_cma.sd.{k}"] = v.clone()
    bn1(x3)
    bn1(x3 * 2 + 1)
    s["bn1d_cma.x"] = x3
    for k, v in bn1.state_dict().items():
        s[f"bn1d_cma.after.{k}"] = v.clone()
    save(os.path.join(OUT, "nn_layers.safetensors"), s)


if __name__ == "__main__":
    conv_fixtures()
    pool_fixtures()
    resample_fixtures()
    norm_act_fixtures()
    loss_fixtures()
    rnn_fixtures()
    layer_fixtures()
    for f in sorted(os.listdir(OUT)):
        if f.startswith("nn"):
            print(f, os.path.getsize(os.path.join(OUT, f)))
