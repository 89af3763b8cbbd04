"""Reference values for Medley's optimisers, gradient clipping and learning-rate schedules (torch 1.13).

Writes tests/Medley.Torch.Tests/Fixtures/optim_steps.safetensors, optim_clip.safetensors, optim_schedules.safetensors.
Run with /usr/bin/python3 (Debian's python3-torch).
"""
import math
import os

import torch

from fixture_io import save

OUT = os.path.join(os.path.dirname(__file__), "..", "Medley.Torch.Tests", "Fixtures")
STEPS = 10

# name -> (optimizer factory over groups, steps where p1 gets no gradient)
OPTIMISERS = {
    "adam": (lambda ps: torch.optim.Adam(ps, lr=1e-2), ()),
    "adam_l2_amsgrad": (lambda ps: torch.optim.Adam(ps, lr=2e-2, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, amsgrad=True), ()),
    "adam_maximize": (lambda ps: torch.optim.Adam(ps, lr=1e-2, maximize=True), ()),
    "adam_skip": (lambda ps: torch.optim.Adam(ps, lr=1e-2), (2, 5)),
    "adamw": (lambda ps: torch.optim.AdamW(ps, lr=1e-2, weight_decay=0.05), ()),
    "adamw_amsgrad": (lambda ps: torch.optim.AdamW(ps, lr=1e-2, amsgrad=True), ()),
    "adam_groups": (lambda ps: torch.optim.Adam([{"params": [ps[0]]}, {"params": [ps[1]], "lr": 5e-3, "weight_decay": 0.1}], lr=1e-2), ()),
    "sgd": (lambda ps: torch.optim.SGD(ps, lr=0.1), ()),
    "sgd_momentum": (lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01), ()),
    "sgd_nesterov": (lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01), ()),
    "sgd_maximize_skip": (lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.5, maximize=True), (0, 4)),
}


def optim_steps():
    torch.manual_seed(1234)
    init = [torch.randn(3, 4), torch.randn(5)]
    grads = [[torch.randn(3, 4), torch.randn(5) * 3] for _ in range(STEPS)]
    out = {"init.p0": init[0], "init.p1": init[1]}
    for t, (g0, g1) in enumerate(grads):
        out[f"grad.{t}.p0"] = g0
        out[f"grad.{t}.p1"] = g1
    for name, (factory, skips) in OPTIMISERS.items():
        params = [p.clone().requires_grad_(True) for p in init]
        opt = factory(params)
        for t in range(STEPS):
            params[0].grad = grads[t][0].clone()
            params[1].grad = None if t in skips else grads[t][1].clone()
            opt.step()
            out[f"{name}.{t}.p0"] = params[0].detach().clone()
            out[f"{name}.{t}.p1"] = params[1].detach().clone()
        for i, p in enumerate(params):
            for key, value in opt.state[p].items():
                if value is None:
                    continue
                out[f"{name}.state.{i}.{key}"] = value.detach().clone().reshape(value.shape)
    save(os.path.join(OUT, "optim_steps.safetensors"), out)


def optim_clip():
    torch.manual_seed(99)
    g0, g1 = torch.randn(3, 4) * 2, torch.randn(5) * 5
    out = {"grad.p0": g0, "grad.p1": g1}
    cases = {"l2": (1.0, 2.0), "l2_loose": (1e3, 2.0), "inf": (0.5, math.inf), "l1": (2.0, 1.0)}
    for name, (max_norm, norm_type) in cases.items():
        params = [torch.zeros(3, 4, requires_grad=True), torch.zeros(5, requires_grad=True)]
        params[0].grad, params[1].grad = g0.clone(), g1.clone()
        total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type)
        out[f"{name}.total"] = total
        out[f"{name}.p0"] = params[0].grad
        out[f"{name}.p1"] = params[1].grad
    params = [torch.zeros(3, 4, requires_grad=True), torch.zeros(5, requires_grad=True)]
    params[0].grad, params[1].grad = g0.clone(), g1.clone()
    torch.nn.utils.clip_grad_value_(params, 1.5)
    out["value.p0"], out["value.p1"] = params[0].grad, params[1].grad
    save(os.path.join(OUT, "optim_clip.safetensors"), out)


def lr_sequence(make_scheduler, steps=30, lrs=(0.1,), metrics=None):
    params = [torch.zeros(1, requires_grad=True) for _ in lrs]
    opt = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, lrs)], lr=lrs[0])
    sched = make_scheduler(opt)
    values = [[g["lr"] for g in opt.param_groups]]
    for t in range(steps):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[t])
        values.append([g["lr"] for g in opt.param_groups])
    return torch.tensor(values, dtype=torch.float64)


def optim_schedules():
    S = torch.optim.lr_scheduler
    out = {
        "step": lr_sequence(lambda o: S.StepLR(o, step_size=7, gamma=0.5)),
        "multistep": lr_sequence(lambda o: S.MultiStepLR(o, milestones=[3, 10, 10, 22], gamma=0.3)),
        "linear": lr_sequence(lambda o: S.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=8)),
        "cosine": lr_sequence(lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=1e-3), lrs=(0.1, 0.02)),
        "warmup_cosine": lr_sequence(lambda o: S.SequentialLR(o, [
            S.LinearLR(o, start_factor=0.01, end_factor=1.0, total_iters=5),
            S.CosineAnnealingLR(o, T_max=25, eta_min=1e-4)], milestones=[5]), lrs=(0.1, 0.02)),
    }
    torch.manual_seed(7)
    # A noisy plateau: improves, stalls, improves a little (below threshold), stalls again.
    loss = torch.cat([torch.linspace(1.0, 0.5, 8), torch.full((10,), 0.5) + torch.rand(10) * 0.01,
                      torch.linspace(0.49995, 0.4, 4), torch.full((8,), 0.45)]).double()
    acc = torch.cat([torch.linspace(0.5, 0.8, 6), torch.full((8,), 0.8) - torch.rand(8) * 0.02,
                     torch.linspace(0.81, 0.9, 6), torch.full((10,), 0.9)]).double()
    out["plateau.loss"] = loss
    out["plateau.acc"] = acc
    out["plateau_min"] = lr_sequence(lambda o: S.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=2),
                                     metrics=loss.tolist(), lrs=(0.1, 0.01))
    out["plateau_max_abs"] = lr_sequence(lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.2, patience=1,
                                                                         threshold=0.005, threshold_mode="abs",
                                                                         cooldown=2, min_lr=[1e-3, 1e-4]),
                                         metrics=acc.tolist(), lrs=(0.1, 0.01))
    save(os.path.join(OUT, "optim_schedules.safetensors"), out)


if __name__ == "__main__":
    optim_steps()
    optim_clip()
    optim_schedules()
