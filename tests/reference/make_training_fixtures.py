"""Reference loss curves for Medley's training-equivalence test (torch 1.13).

A 2-layer MLP (full batch, Adam) and a small CNN (fixed mini-batches of 8, AdamW) trained for 50 steps on seeded
toy data; no dropout. Saves each model's initial state dict (prefixed "mlp.init." / "cnn.init."), the data (CNN: as its
4 fixed batches) and the per-step losses (loss of the batch before that step's update) to
tests/Medley.Torch.Tests/Fixtures/training_curves.safetensors. Run with /usr/bin/python3.
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from fixture_io import save

OUT = os.path.join(os.path.dirname(__file__), "..", "Medley.Torch.Tests", "Fixtures")
STEPS = 50


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 16)
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 8, 3, padding=1)
        self.fc = nn.Linear(8 * 2 * 2, 3)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.reshape(x.shape[0], -1))


def train(model, optimizer, batches):
    losses = []
    for step in range(STEPS):
        x, y = batches[step % len(batches)]
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return torch.tensor(losses, dtype=torch.float64)


def main():
    out = {}
    torch.manual_seed(2024)
    mlp = Mlp()
    for k, v in mlp.state_dict().items():
        out[f"mlp.init.{k}"] = v.clone()
    x = torch.randn(64, 8)
    y = (x[:, 0] + x[:, 1] * x[:, 2] > 0).long() + (x[:, 3] > 1).long()  # three classes, learnable
    out["mlp.x"], out["mlp.y"] = x, y
    out["mlp.losses"] = train(mlp, torch.optim.Adam(mlp.parameters(), lr=1e-2), [(x, y)])

    torch.manual_seed(7)
    cnn = Cnn()
    for k, v in cnn.state_dict().items():
        out[f"cnn.init.{k}"] = v.clone()
    images = torch.randn(32, 1, 8, 8)
    labels = torch.randint(0, 3, (32,))
    images[labels == 1, :, :4, :] += 1.0  # bright top half
    images[labels == 2, :, :, :4] -= 1.0  # dark left half
    batches = [(images[i:i + 8], labels[i:i + 8]) for i in range(0, 32, 8)]
    for b, (bx, by) in enumerate(batches):
        out[f"cnn.batch.{b}.x"], out[f"cnn.batch.{b}.y"] = bx, by
    out["cnn.losses"] = train(cnn, torch.optim.AdamW(cnn.parameters(), lr=5e-3, weight_decay=0.01), batches)
    save(os.path.join(OUT, "training_curves.safetensors"), out)
    print("mlp", out["mlp.losses"][[0, 49]].tolist(), "cnn", out["cnn.losses"][[0, 49]].tolist())


if __name__ == "__main__":
    main()
