#!/usr/bin/env python3
"""Writes the small dataset fixtures next to this script, in the real file formats, with a writer
independent of the Java readers: Python's struct/gzip/tarfile for IDX and CIFAR-10, scipy.io.savemat
for SVHN's MATLAB v5 files (Debian: apt-get install -y python3-scipy).

Run from anywhere: python3 make_fixtures.py. The output is committed; CI does not run this script.
It is deterministic except for the creation date scipy writes into each MAT file's text header. The
Java tests recompute the same pixel formulas.
"""
import gzip
import io
import os
import struct
import tarfile

import numpy as np
import scipy.io

HERE = os.path.dirname(os.path.abspath(__file__))


def out(*parts):
    path = os.path.join(HERE, *parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def gz(data):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as f:
        f.write(data)
    return buf.getvalue()


# ---- IDX (MNIST layout): 3 images of 28 rows x 28 columns; labels 7, 0, 9 -----------------------
def idx_pixel(n, row, col):
    return (n * 50 + row * 10 + col * 3 + 1) % 256


idx_images = struct.pack(">IIII", 0x00000803, 3, 28, 28) + bytes(
    idx_pixel(n, r, c) for n in range(3) for r in range(28) for c in range(28))
idx_labels = struct.pack(">II", 0x00000801, 3) + bytes([7, 0, 9])
with open(out("idx", "images-idx3-ubyte"), "wb") as f:
    f.write(idx_images)
with open(out("idx", "labels-idx1-ubyte"), "wb") as f:
    f.write(idx_labels)
with open(out("idx", "images-idx3-ubyte.gz"), "wb") as f:
    f.write(gz(idx_images))
with open(out("idx", "labels-idx1-ubyte.gz"), "wb") as f:
    f.write(gz(idx_labels))


# ---- CIFAR-10 binary version: records of 1 label byte + R, G, B planes of 32x32 (row-major) ------
def cifar_pixel(batch, record, c, row, col):
    return (batch * 101 + record * 11 + c * 80 + row * 7 + col * 3) % 256


def cifar_record(batch, record, label):
    img = np.zeros((3, 32, 32), dtype=np.uint8)  # channel, row, column
    for c in range(3):
        for row in range(32):
            for col in range(32):
                img[c, row, col] = cifar_pixel(batch, record, c, row, col)
    return bytes([label]) + img.tobytes(order="C")


CIFAR_LABELS = {
    "data_batch_1.bin": [6, 9],
    "data_batch_2.bin": [9, 4],
    "data_batch_3.bin": [1, 1],
    "data_batch_4.bin": [2, 7],
    "data_batch_5.bin": [8, 3],
    "test_batch.bin": [3, 8, 8, 0, 6],
}
cifar_files = {}
for batch, (name, labels) in enumerate(CIFAR_LABELS.items(), start=1):
    data = b"".join(cifar_record(batch, r, y) for r, y in enumerate(labels))
    cifar_files[name] = data
    with open(out("cifar10", "cifar-10-batches-bin", name), "wb") as f:
        f.write(data)

tar_buf = io.BytesIO()
with tarfile.open(fileobj=tar_buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
    d = tarfile.TarInfo("cifar-10-batches-bin")
    d.type = tarfile.DIRTYPE
    d.mode = 0o755
    d.mtime = 0
    t.addfile(d)
    readme = b"small fixture in the CIFAR-10 binary format\n"
    for name, data in [("batches.meta.txt", readme)] + list(cifar_files.items()):
        info = tarfile.TarInfo("cifar-10-batches-bin/" + name)
        info.size = len(data)
        info.mode = 0o644
        info.mtime = 0
        t.addfile(info, io.BytesIO(data))
with open(out("cifar10", "cifar-10-binary.tar.gz"), "wb") as f:
    f.write(gz(tar_buf.getvalue()))


# ---- SVHN cropped digits, format 2: X 32x32x3xN uint8 (row, column, channel, example), y Nx1 ------
def svhn_pixel(n, row, col, c):
    return (n * 11 + c * 80 + row * 7 + col * 3 + 5) % 256


def svhn_x(count):
    x = np.zeros((32, 32, 3, count), dtype=np.uint8)
    for n in range(count):
        for row in range(32):
            for col in range(32):
                for c in range(3):
                    x[row, col, c, n] = svhn_pixel(n, row, col, c)
    return x


# train: y uint8, compressed (MATLAB v7-style miCOMPRESSED elements); 10 stands for the digit 0
scipy.io.savemat(out("svhn", "train_32x32.mat"),
                 {"X": svhn_x(4), "y": np.array([[10], [1], [5], [10]], dtype=np.uint8)},
                 format="5", do_compression=True)
# test: y double, uncompressed
scipy.io.savemat(out("svhn", "test_32x32.mat"),
                 {"X": svhn_x(3), "y": np.array([[2], [10], [9]], dtype=np.float64)},
                 format="5", do_compression=False)
# malformed variants
scipy.io.savemat(out("svhn", "missing_y.mat"), {"X": svhn_x(2)}, format="5")
scipy.io.savemat(out("svhn", "bad_label.mat"),
                 {"X": svhn_x(2), "y": np.array([[3], [11]], dtype=np.uint8)}, format="5")
scipy.io.savemat(out("svhn", "count_mismatch.mat"),
                 {"X": svhn_x(3), "y": np.array([[1], [2]], dtype=np.uint8)}, format="5")
scipy.io.savemat(out("svhn", "wrong_dims.mat"),
                 {"X": np.zeros((28, 28, 3, 2), dtype=np.uint8), "y": np.array([[1], [2]], dtype=np.uint8)},
                 format="5")
scipy.io.savemat(out("svhn", "x_double.mat"),
                 {"X": svhn_x(2).astype(np.float64), "y": np.array([[1], [2]], dtype=np.uint8)},
                 format="5")
print("fixtures written under", HERE)
