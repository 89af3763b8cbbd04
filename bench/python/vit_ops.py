"""Python peer of `Medley.Bench vit-ops`: the ops of one ViT encoder block at batch 1 (197 tokens), each timed on its
own in PyTorch (torch.no_grad). `mha` is the whole nn.MultiheadAttention call of torchvision's block (projections
included); `attention_ops` is the part between the projections as torch's multi_head_attention_forward runs it.

    vit_ops.py [ti|b]        threads: MEDLEY_NUM_THREADS (default 1)
"""
import os
import sys
import time

import torch
import torch.nn.functional as F


def main():
    config = sys.argv[1] if len(sys.argv) > 1 else "ti"
    e, heads, mlp = (768, 12, 3072) if config == "b" else (192, 3, 768)
    tokens, d = 197, e // heads
    torch.set_num_threads(int(os.environ.get("MEDLEY_NUM_THREADS", "1")))
    torch.manual_seed(0)
    x = torch.randn(1, tokens, e)
    ln_w, ln_b = torch.randn(e), torch.randn(e)
    w_qkv, b_qkv = torch.randn(3 * e, e), torch.randn(3 * e)
    w_out, b_out = torch.randn(e, e), torch.randn(e)
    w1, b1, w2, b2 = torch.randn(mlp, e), torch.randn(mlp), torch.randn(e, mlp), torch.randn(e)
    mha = torch.nn.MultiheadAttention(e, heads, batch_first=True).eval()
    qkv = F.linear(x, w_qkv, b_qkv)
    hidden = F.linear(x, w1, b1)

    def attention_ops():
        q, k, v = qkv.view(1, tokens, 3, heads, d).permute(2, 0, 3, 1, 4).reshape(3, heads, tokens, d)
        weights = torch.bmm(q / d ** 0.5, k.transpose(1, 2)).softmax(-1)
        return torch.bmm(weights, v).view(1, heads, tokens, d).transpose(1, 2).reshape(1, tokens, e)

    ops = [
        ("layer_norm", lambda: F.layer_norm(x, (e,), ln_w, ln_b, 1e-6), 2),
        ("linear_qkv", lambda: F.linear(x, w_qkv, b_qkv), 1),
        ("attention_ops", attention_ops, 1),
        ("linear_out", lambda: F.linear(x, w_out, b_out), 1),
        ("add", lambda: x + x, 2),
        ("linear_fc1", lambda: F.linear(x, w1, b1), 1),
        ("gelu", lambda: F.gelu(hidden), 1),
        ("linear_fc2", lambda: F.linear(hidden, w2, b2), 1),
    ]
    print(f"# python vit-ops {config} threads={torch.get_num_threads()}: µs per op (median of 7 runs of 200)")
    total = 0.0
    with torch.no_grad():
        for name, op, per_block in ops + [("mha", lambda: mha(x, x, x, need_weights=False)[0], 0)]:
            runs = []
            for _ in range(7):
                start = time.perf_counter()
                for _ in range(200):
                    op()
                runs.append((time.perf_counter() - start) / 200 * 1e6)
            median = sorted(runs)[3]
            total += per_block * median
            print(f"RESULT vitop_{name} {median:.1f}")
    print(f"RESULT vitop_block_sum {total:.1f}")


if __name__ == "__main__":
    main()
