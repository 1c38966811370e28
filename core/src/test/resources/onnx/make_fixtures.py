"""Writes the ONNX fixtures of OnnxImportTest with PyTorch's own exporter, and PyTorch's outputs on fixed inputs.

Run from this directory with Debian's python3-torch (1.13): /usr/bin/python3 make_fixtures.py
"""
import json

import torch
from torch import nn

torch.manual_seed(7)


class Normalize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean).view(1, -1, 1, 1))
        self.register_buffer("std", torch.tensor(std).view(1, -1, 1, 1))

    def forward(self, x):
        return (x - self.mean) / self.std


class Rows(nn.Module):
    """A reshape to rows with a constant target shape, as x.reshape(-1, n) exports it."""

    def __init__(self, n):
        super().__init__()
        self.n = n

    def forward(self, x):
        return x.reshape(-1, self.n)


class MatMulLinear(nn.Module):
    """x @ W + b: exported as MatMul then Add."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.w = nn.Parameter(torch.randn(n_in, n_out) * 0.1)
        self.b = nn.Parameter(torch.randn(n_out) * 0.1)

    def forward(self, x):
        return x @ self.w + self.b


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 16)

    def forward(self, x):
        return x + self.fc(x)


def export(model, shape, name, inputs=4, **options):
    model.eval()
    x = torch.rand(inputs, *shape)
    torch.onnx.export(model, x[:1], name + ".onnx", opset_version=13, input_names=["x"], output_names=["logits"],
                      dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}}, **options)
    with torch.no_grad():
        y = model(x)
    with open(name + ".json", "w") as f:
        json.dump({"inputs": x.reshape(inputs, -1).double().tolist(), "logits": y.double().tolist()}, f)


conv = nn.Sequential(Normalize([0.1307], [0.3081]), nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.ReLU(),
                     nn.Conv2d(4, 8, 4, stride=2, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 7 * 7, 32), nn.ReLU(),
                     nn.Dropout(0.5), nn.Linear(32, 10))
export(conv, (1, 28, 28), "conv")
mlp = nn.Sequential(Rows(3 * 4 * 4), MatMulLinear(48, 20), nn.ReLU(), nn.Linear(20, 5))
export(mlp, (3, 4, 4), "mlp_matmul")
export(nn.Sequential(nn.Conv2d(1, 2, 3), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(2 * 13 * 13, 10)), (1, 28, 28),
       "maxpool", inputs=1)
export(nn.Sequential(nn.Linear(8, 16), nn.ReLU(), Residual(), nn.Linear(16, 3)), (8,), "residual", inputs=1)


# Batch normalisation after a convolution and after a linear layer, with statistics far from the initial ones.
# The default export folds an eval-mode BatchNorm2d into the convolution before it; keeping the graph as it is
# leaves BatchNormalization nodes, as other exporters write them.
batchnorm = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 16),
                          nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 5))
with torch.no_grad():
    for bn in (batchnorm[1], batchnorm[5]):
        bn.weight.normal_()
        bn.bias.normal_(std=0.3)
        bn.running_mean.uniform_(-0.5, 0.5)
        bn.running_var.uniform_(0.2, 2.0)
export(batchnorm, (2, 6, 6), "batchnorm", training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
