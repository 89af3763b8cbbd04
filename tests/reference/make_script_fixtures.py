"""TorchScript fixtures for ScriptModuleTests: two tiny modules saved with torch.jit.save, plus expected outputs.

  script_mlp.pt   scripted Linear(4,8) -> BatchNorm1d(8) -> ReLU -> Linear(8,3); train/eval differ (batch norm)
  script_pair.pt  traced forward(a, b) returning a tuple (a @ W + b, (a * b).sum())
  script_expected.safetensors  inputs, outputs in eval and train mode, parameter gradients of out.sum()

Run: /usr/bin/python3 tests/reference/make_script_fixtures.py
"""
import os

import torch
from torch import nn

from fixture_io import save

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Medley.Torch.Tests", "Fixtures")


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.bn = nn.BatchNorm1d(8)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(torch.relu(self.bn(self.fc1(x))))


class Pair(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(3, 2))

    def forward(self, a, b):
        return a @ self.w + b, (a * b[:, :1]).sum()


def main():
    torch.manual_seed(0)
    mlp = Mlp()
    with torch.no_grad():  # non-trivial running statistics so eval differs from train
        mlp.bn.running_mean.uniform_(-0.5, 0.5)
        mlp.bn.running_var.uniform_(0.5, 1.5)
    mlp.eval()
    scripted = torch.jit.script(mlp)
    scripted.save(os.path.join(OUT, "script_mlp.pt"))

    x = torch.randn(5, 4)
    tensors = {"mlp.x": x}
    out_eval = scripted(x)
    out_eval.sum().backward()
    tensors["mlp.out_eval"] = out_eval
    for name, p in scripted.named_parameters():
        tensors["mlp.grad." + name] = p.grad.clone()
    for name, t in scripted.state_dict().items():
        tensors["mlp.state." + name] = t.clone()
    # Train mode uses batch statistics (computed on a copy so the saved file keeps its running stats).
    train_copy = torch.jit.load(os.path.join(OUT, "script_mlp.pt"))
    train_copy.train()
    tensors["mlp.out_train"] = train_copy(x).detach()

    pair = Pair()
    a, b = torch.randn(4, 3), torch.randn(4, 2)
    traced = torch.jit.trace(pair, (a, b))
    traced.save(os.path.join(OUT, "script_pair.pt"))
    first, second = traced(a, b)
    tensors.update({"pair.a": a, "pair.b": b, "pair.first": first.detach(), "pair.second": second.detach()})

    save(os.path.join(OUT, "script_expected.safetensors"), tensors)


if __name__ == "__main__":
    main()
