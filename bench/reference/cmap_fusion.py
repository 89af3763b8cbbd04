"""PyTorch reference implementation of CMAP-Fusion (METHODS.md §1), independent of Medley's C# code.

Parameter names match Medley's state dict (src/Medley.Models), so weights move between the two unchanged.
Run with Debian's python3-torch 1.13 and torchvision (/usr/bin/python3).

    image [B, C, H, W], labs [B, T, K]  ->  logits [B, classes], plus F_I, F_L, S, M, F_prune

Choices that METHODS.md leaves open are documented next to the code and mirrored in C#:
* std in the SmartTrim threshold is the population std (divide by 2d): a descriptive statistic of one vector.
* mask M = S + (hard - S).detach(): forward value is the hard 0/1 mask; d(F_prune)/dS = F_cat, d(F_prune)/dF_cat = hard.
* CMT: own q/k/v/out projections (8 heads) + residual + LayerNorm; vector form attends 1 query to 1 key,
  token form uses [F_I'; patches ⊙ M_I] as queries and [F_L'; lab steps ⊙ M_L] as keys/values, then the mean
  over query tokens is F_fuse.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision


class ViTImageEncoder(nn.Module):
    """torchvision's ViT without its head; returns the class token and the patch tokens after the final norm."""

    def __init__(self, cfg):
        super().__init__()
        self.vit = torchvision.models.VisionTransformer(
            image_size=cfg["image_size"], patch_size=cfg["patch_size"], num_layers=cfg["vit_layers"],
            num_heads=cfg["vit_heads"], hidden_dim=cfg["dim"], mlp_dim=cfg["vit_mlp_dim"])
        del self.vit.heads

    def forward(self, x):
        v = self.vit
        x = v._process_input(x)
        cls = v.class_token.expand(x.shape[0], -1, -1)
        x = v.encoder(torch.cat([cls, x], dim=1))
        return x[:, 0], x[:, 1:]


class CnnImageEncoder(nn.Module):
    """Small CNN for the 'no ViT' ablation: three stride-2 3x3 conv + ReLU stages, adaptive average pooling to a
    grid x grid map; F_I = Linear(flatten(map)) (keeps where things are, unlike a spatial mean), the tokens are a
    1x1 projection of each grid cell plus a learned per-cell position embedding."""

    def __init__(self, cfg):
        super().__init__()
        c = cfg["cnn_channels"]
        g = cfg.get("cnn_grid", 4)
        self.grid = g
        self.features = nn.Sequential(
            nn.Conv2d(cfg["in_channels"], c[0], 3, 2, 1), nn.ReLU(),
            nn.Conv2d(c[0], c[1], 3, 2, 1), nn.ReLU(),
            nn.Conv2d(c[1], c[2], 3, 2, 1), nn.ReLU())
        self.proj = nn.Linear(c[2] * g * g, cfg["dim"])
        self.token_proj = nn.Conv2d(c[2], cfg["dim"], 1)
        self.token_pos = nn.Parameter(torch.randn(g * g, cfg["dim"]) * 0.02)

    def forward(self, x):
        m = nn.functional.adaptive_avg_pool2d(self.features(x), self.grid)
        tokens = self.token_proj(m).flatten(2).transpose(1, 2) + self.token_pos
        return self.proj(m.flatten(1)), tokens


class LabMlpEncoder(nn.Module):
    """F_L = fc2(ReLU(fc1(flatten(X_L))))  (METHODS.md §1.2)."""

    def __init__(self, cfg):
        super().__init__()
        self.fc1 = nn.Linear(cfg["lab_steps"] * cfg["lab_vars"], cfg["lab_hidden"])
        self.fc2 = nn.Linear(cfg["lab_hidden"], cfg["dim"])

    def forward(self, labs):
        return self.fc2(F.relu(self.fc1(labs.flatten(1))))


class LabStepEncoder(nn.Module):
    """Each time step K -> d (fc2(ReLU(fc1(x_t)))): the keys/values of the token-form CMT."""

    def __init__(self, cfg):
        super().__init__()
        self.fc1 = nn.Linear(cfg["lab_vars"], cfg["dim"])
        self.fc2 = nn.Linear(cfg["dim"], cfg["dim"])

    def forward(self, labs):
        return self.fc2(F.relu(self.fc1(labs)))


class SmartTrim(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.score = nn.Linear(2 * cfg["dim"], 2 * cfg["dim"])
        self.gamma = cfg["gamma"]

    def forward(self, f_cat):
        s = torch.sigmoid(self.score(f_cat))
        tau = s.mean(1, keepdim=True) + self.gamma * s.std(1, unbiased=False, keepdim=True)
        hard = (s >= tau).to(s.dtype)
        m = s + (hard - s).detach()
        return s, m, f_cat * m


class CrossModalTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["dim"]
        self.heads = cfg["cmt_heads"]
        self.q_proj = nn.Linear(d, d)
        self.k_proj = nn.Linear(d, d)
        self.v_proj = nn.Linear(d, d)
        self.out_proj = nn.Linear(d, d)
        self.norm = nn.LayerNorm(d)

    def forward(self, queries, keys):
        b, lq, d = queries.shape
        lk = keys.shape[1]
        h = self.heads
        hd = d // h
        q = self.q_proj(queries).view(b, lq, h, hd).transpose(1, 2)
        k = self.k_proj(keys).view(b, lk, h, hd).transpose(1, 2)
        v = self.v_proj(keys).view(b, lk, h, hd).transpose(1, 2)
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd), dim=-1)
        av = (a @ v).transpose(1, 2).reshape(b, lq, d)
        return self.norm(queries + self.out_proj(av)).mean(1)


class ConcatFusion(nn.Module):
    """'No CMT' ablation: F_fuse = ReLU(fc([F_I'; F_L']))."""

    def __init__(self, cfg):
        super().__init__()
        self.fc = nn.Linear(2 * cfg["dim"], cfg["dim"])

    def forward(self, f_prune):
        return F.relu(self.fc(f_prune))


class Head(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["dim"]
        self.bottleneck = nn.Linear(d, d // 4)
        self.classifier = nn.Linear(d // 4, cfg["num_classes"])

    def forward(self, f):
        return self.classifier(F.relu(self.bottleneck(f)))


class CmapFusion(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.image_encoder = ViTImageEncoder(cfg) if cfg["use_vit"] else CnnImageEncoder(cfg)
        self.lab_encoder = LabMlpEncoder(cfg)
        self.tokens = cfg["use_cmt"] and cfg["cmt_form"] == "tokens"
        if self.tokens:
            self.lab_steps = LabStepEncoder(cfg)
        if cfg["use_smart_trim"]:
            self.smart_trim = SmartTrim(cfg)
        if cfg["use_cmt"]:
            self.cmt = CrossModalTransformer(cfg)
        else:
            self.concat_fusion = ConcatFusion(cfg)
        self.head = Head(cfg)

    def forward(self, image, labs):
        d = self.cfg["dim"]
        f_i, patches = self.image_encoder(image)
        f_l = self.lab_encoder(labs)
        f_cat = torch.cat([f_i, f_l], 1)
        if self.cfg["use_smart_trim"]:
            s, m, f_prune = self.smart_trim(f_cat)
        else:
            s, m, f_prune = None, torch.ones_like(f_cat), f_cat
        if self.cfg["use_cmt"]:
            fi_p, fl_p = f_prune[:, :d], f_prune[:, d:]
            if self.tokens:
                steps = self.lab_steps(labs)
                q = torch.cat([fi_p[:, None], patches * m[:, None, :d]], 1)
                kv = torch.cat([fl_p[:, None], steps * m[:, None, d:]], 1)
            else:
                q, kv = fi_p[:, None], fl_p[:, None]
            fused = self.cmt(q, kv)
        else:
            fused = self.concat_fusion(f_prune)
        logits = self.head(fused)
        return dict(logits=logits, F_I=f_i, F_L=f_l, S=s, mask=m, F_prune=f_prune)

    def loss(self, out, target):
        ce = F.cross_entropy(out["logits"], target)
        align = (1 - F.cosine_similarity(out["F_I"], out["F_L"], dim=1, eps=1e-8)).mean()
        sparsity = out["S"].mean() if out["S"] is not None else torch.zeros((), dtype=ce.dtype)
        total = ce + self.cfg["lambda1"] * align + self.cfg["lambda2"] * sparsity
        return dict(total=total, ce=ce, alignment=align, sparsity=sparsity)


TINY = dict(image_size=16, patch_size=4, vit_layers=2, vit_heads=2, vit_mlp_dim=32, dim=16, in_channels=3,
            cnn_channels=(4, 8, 8), lab_steps=5, lab_vars=3, lab_hidden=16, gamma=0.3, cmt_heads=8,
            num_classes=3, lambda1=0.1, lambda2=0.01, use_vit=True, use_smart_trim=True, use_cmt=True,
            cmt_form="vector")
