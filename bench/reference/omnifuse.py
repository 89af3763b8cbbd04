"""PyTorch reference of Medley's OmniFuse (METHODS.md §2) on precomputed-embedding modalities, op for op.

Mirrors src/Medley.Models/Methods/OmniFuse/* (OmniFuseModel, CascadeResidualAutoencoder, DwFuse),
src/Medley.Models/Encoders/Modality/EmbeddingInputEncoder.cs and the training step of
src/Medley.Training/Strategies/OmniFuseStrategy.cs, so that weights move between the two unchanged (parameter names
are Medley's state-dict keys) and the bench times the same work. Run with Debian's python3-torch 1.13 (/usr/bin/python3).

    inputs {name: [B, E_m] float32 (zeros where absent), name + ".present": bool [B]}
      -> logits [B, C], aux losses {"imp_fw", "imp_bw"}, features {"V", "V_imputed", "S", "imputed", "omega",
         "modality_logits"}

Only the `embedding` modality kind (a linear projection E_m -> d) is mirrored: it is what the throughput bench uses.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class EmbeddingInputEncoder(nn.Module):
    """Medley's EmbeddingInputEncoder with project=true: Linear(E, d), Xavier-uniform weight, zero bias."""

    def __init__(self, embedding_dim, d):
        super().__init__()
        self.proj = nn.Linear(embedding_dim, d)
        nn.init.xavier_uniform_(self.proj.weight)
        nn.init.zeros_(self.proj.bias)

    def forward(self, x):
        return self.proj(x.flatten(1))


class ModalityEncoderSet(nn.Module):
    def __init__(self, modalities, d):
        super().__init__()
        self.names = [name for name, _ in modalities]
        self.widths = dict(modalities)
        self.encoders = nn.ModuleDict({name: EmbeddingInputEncoder(e, d) for name, e in modalities})

    def encode(self, inputs):
        b = next(iter(inputs.values())).shape[0]
        embeddings, present = [], []
        for name in self.names:
            x = inputs.get(name)
            if x is None:
                x = torch.zeros(b, self.widths[name])
            embeddings.append(self.encoders[name](x))
            p = inputs.get(name + ".present")
            if p is None:
                p = torch.ones(b, dtype=torch.bool) if name in inputs else torch.zeros(b, dtype=torch.bool)
            present.append(p)
        return embeddings, present


class ResidualAutoencoder(nn.Module):
    def __init__(self, width, latent):
        super().__init__()
        self.encoder = nn.Linear(width, latent)
        self.decoder = nn.Linear(latent, width)

    def forward(self, x):
        s = self.encoder(x).relu()
        return s, self.decoder(s)


class CascadeResidualAutoencoder(nn.Module):
    """Δz_1 = φ_1(v), Δz_k = φ_k(v + Σ_{j<k} Δz_j); returns (v + Σ Δz_k, deltas, latents)."""

    def __init__(self, width, latent, count):
        super().__init__()
        self.stages = nn.ModuleList([ResidualAutoencoder(width, latent) for _ in range(count)])

    def forward(self, v):
        deltas, latents = [], []
        current = v
        for stage in self.stages:
            s, dz = stage(current)
            latents.append(s)
            deltas.append(dz)
            current = current + dz
        return current, deltas, latents


def target_probability(modality_logits, target):
    b, m = modality_logits.shape[0], modality_logits.shape[1]
    probs = F.softmax(modality_logits, 2)
    index = target.to(torch.int64).reshape(b, 1, 1).expand(b, m, 1)
    return probs.gather(2, index).squeeze(2)


def omega(target_prob, beta):
    with torch.no_grad():
        p = target_prob.detach()
        m = p.shape[1]
        if m == 1:
            return torch.ones_like(p)
        rest = 1.0 - p
        omegas = []
        for i in range(m):
            others = torch.tensor([n for n in range(m) if n != i], dtype=torch.int64)
            omegas.append(rest.index_select(1, others).prod(1).pow(beta / (m - 1)))
        return torch.stack(omegas, 1)


def per_modality_loss(modality_logits, target):
    m = modality_logits.shape[1]
    return torch.stack([F.cross_entropy(modality_logits.select(1, i), target.to(torch.int64), reduction="none")
                        for i in range(m)], 1)


def encoder_loss(modality_logits, target, beta):
    w = omega(target_probability(modality_logits, target), beta)
    return (w * per_modality_loss(modality_logits, target)).sum(1).mean(0)


def drop_mask(presence, p, draw=None):
    """Each present modality dropped with probability p, never all of a sample's present ones (the present one with the
    highest draw is kept back). `draw` [B, M] replaces torch.rand (to give a mask explicitly)."""
    if draw is None:
        draw = torch.rand(presence.shape)
    drop = draw.lt(p).logical_and(presence)
    everything = drop.eq(presence).all(1).logical_and(presence.any(1))
    keep_back = F.one_hot(torch.where(presence, draw, torch.tensor(-1.0)).argmax(1), presence.shape[1]).to(torch.bool)
    return drop.logical_and(keep_back.logical_and(everything.unsqueeze(1)).logical_not())


def masked_mse(a, b, slots):
    w = slots.to(a.dtype)
    per_slot = (a - b).square().mean(2)
    return (per_slot * w).sum() / w.sum().clamp(1.0)


class OmniFuse(nn.Module):
    """OmniFuseModel with DWFuse on (per-modality classifiers + joint classifier on S), binary/multiclass task."""

    def __init__(self, modalities, num_classes=2, embed_dim=512, num_autoencoders=5, latent_dim=128,
                 classifier_hidden=128, classifier_dropout=0.0, p_drop=0.3, alpha=0.1, beta=0.5,
                 lambda1=1.0, lambda2=10.0, lambda3=0.5, use_backward=True):
        super().__init__()
        self.cfg = dict(p_drop=p_drop, alpha=alpha, beta=beta, lambda1=lambda1, lambda2=lambda2, lambda3=lambda3)
        self.modality = ModalityEncoderSet(modalities, embed_dim)
        self.m, self.d = len(modalities), embed_dim
        width = self.m * embed_dim
        self.cra_fw = CascadeResidualAutoencoder(width, latent_dim, num_autoencoders)
        self.cra_bw = CascadeResidualAutoencoder(width, latent_dim, num_autoencoders) if use_backward else None

        def classifier(n_in):
            return nn.Sequential(nn.Linear(n_in, classifier_hidden), nn.ReLU(), nn.Dropout(classifier_dropout),
                                 nn.Linear(classifier_hidden, num_classes))

        self.modality_classifiers = nn.ModuleList([classifier(embed_dim) for _ in range(self.m)])
        self.joint_classifier = classifier(num_autoencoders * latent_dim)

    def zero_input_embedding(self, name):
        enc = self.modality.encoders[name]
        was = enc.training
        enc.eval()
        try:
            return enc(torch.zeros(1, self.modality.widths[name])).unsqueeze(1)
        finally:
            enc.train(was)

    def forward(self, inputs, keep=None, allow_drop=True, draw=None):
        m, d = self.m, self.d
        embeddings, present = self.modality.encode(inputs)
        b = embeddings[0].shape[0]
        presence = torch.stack([p.to(torch.bool) if keep is None or keep[i] else torch.zeros(b, dtype=torch.bool)
                                for i, p in enumerate(present)], 1)
        true_v = torch.stack(embeddings, 1)
        zero = torch.cat([self.zero_input_embedding(n) for n in self.modality.names], 1)
        dropped = None
        input_presence = presence
        if self.training and allow_drop and self.cfg["p_drop"] > 0 and m > 1:
            dropped = drop_mask(presence, self.cfg["p_drop"], draw)
            input_presence = presence.logical_and(dropped.logical_not())
        v = torch.where(input_presence.unsqueeze(2), true_v, zero)
        cra_out, _, latents = self.cra_fw(v.reshape(b, m * d))
        restored = cra_out.reshape(b, m, d)
        imputed = torch.where(input_presence.unsqueeze(2), v, restored)
        aux = {}
        if dropped is not None:
            aux["imp_fw"] = masked_mse(restored, true_v.detach(), dropped)
        if self.cra_bw is not None:
            cycle = self.cra_bw(cra_out)[0].reshape(b, m, d)
            aux["imp_bw"] = masked_mse(cycle, v.detach(), input_presence) * self.cfg["lambda1"]
        s = torch.cat(latents, 1)
        features = {"V": v.reshape(b, m * d), "V_imputed": imputed.reshape(b, m * d), "S": s,
                    "imputed": input_presence.logical_not().to(torch.float32)}
        logits = self.joint_classifier(s)
        per_modality = torch.stack([self.modality_classifiers[i](imputed.select(1, i)) for i in range(m)], 1)
        features["modality_logits"] = per_modality
        with torch.no_grad():
            predicted = logits.argmax(1)
            features["omega"] = omega(target_probability(per_modality.detach(), predicted), self.cfg["beta"])
        return logits, aux, features

    def loss(self, logits, aux, features, target):
        """Total and named terms, in Medley's order: dw_enc, dw_rs, then the auxiliary losses."""
        c = self.cfg
        joint = F.cross_entropy(logits, target.to(torch.int64))
        terms = {"dw_enc": encoder_loss(features["modality_logits"], target, c["beta"]) * c["lambda2"],
                 "dw_rs": joint * (c["lambda2"] * c["alpha"])}
        terms.update(aux)
        total = None
        for value in terms.values():
            total = value if total is None else total + value
        return total, terms


def pattern(mask, m):
    return [(mask & (1 << i)) != 0 for i in range(m)]


def train_step(model, optimizer, inputs, labels, lazy=None):
    """OmniFuseStrategy.Step: forward, loss, optional TLA pass with only δ_lazy's modalities, backward, AdamW step."""
    logits, aux, features = model(inputs)
    loss, _ = model.loss(logits, aux, features, labels.to(torch.int64))
    if lazy is not None:
        lazy_logits, _, _ = model(inputs, pattern(lazy, model.m), allow_drop=False)
        loss = loss + F.cross_entropy(lazy_logits, labels.to(torch.int64), reduction="none").mean() * model.cfg["lambda3"]
    optimizer.zero_grad(set_to_none=True)  # Medley's Optimizer.ZeroGrad() default (torch ≥ 2.0's)
    loss.backward()
    optimizer.step()
    return loss.item()


def combination_losses(model, batches):
    """OmniFuseStrategy.CombinationLosses: Σ per-sample CE of the joint prediction for each of the 2^M − 1 combinations."""
    sums = [0.0] * ((1 << model.m) - 1)
    was = model.training
    model.eval()
    try:
        with torch.no_grad():
            for inputs, labels in batches:
                for mask in range(1, len(sums) + 1):
                    logits, _, _ = model(inputs, pattern(mask, model.m), allow_drop=False)
                    sums[mask - 1] += F.cross_entropy(logits, labels.to(torch.int64), reduction="none").sum().item()
    finally:
        model.train(was)
    return sums


def laziest(losses):
    best = 0
    for i in range(1, len(losses)):
        if losses[i] > losses[best]:
            best = i
    return best + 1
