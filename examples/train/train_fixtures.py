#!/usr/bin/python3
"""Train and export SigmaQuant's fixture models on Fashion-MNIST.

Needs Debian's PyTorch and the data set:
    apt-get install python3-torch python3-onnx dataset-fashion-mnist
    /usr/bin/python3 examples/train/train_fixtures.py

Writes, next to this script's parent folder:
    models/{resnet,mobilenetv2,vgg}.onnx   FP32, BatchNorm folded by torch's eval-mode export
    models/manifest.json                   accuracy, parameter and layer counts, preprocessing
    data/eval-*-idx*-ubyte                 2,000 labelled test images (stratified, seeded)
    data/calib-*-idx*-ubyte                512 training images for calibration (seeded)

Preprocessing (also stored in each model's ONNX metadata_props):
    input = (pixel * scale - mean) / std,   pixel in 0..255, NCHW float32 [N,1,28,28]
"""
import argparse
import gzip
import json
import os
import struct
import time

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

DATASET_DIR = "/usr/share/datasets/fashion-mnist"
HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.dirname(HERE)
SCALE = 1.0 / 255.0
MEAN = 0.2860   # Fashion-MNIST training-set mean of pixel/255
STD = 0.3530    # Fashion-MNIST training-set std of pixel/255
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
OPSET = 17      # the highest opset torch 1.13 exports
SEED = 20260227


# ---------------------------------------------------------------- data (IDX)

def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def write_idx(path, array):
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = struct.pack(">I", 0x0800 | array.ndim) + struct.pack(">" + "I" * array.ndim, *array.shape)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(header)
        f.write(array.tobytes())
    os.replace(tmp, path)


def load_split(prefix):
    images = read_idx(os.path.join(DATASET_DIR, prefix + "-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(DATASET_DIR, prefix + "-labels-idx1-ubyte.gz"))
    return images, labels


def to_tensor(images):
    x = torch.from_numpy(images.astype(np.float32) * SCALE)
    return ((x - MEAN) / STD).unsqueeze(1)


def stratified_indices(labels, total, rng):
    per_class = total // 10
    picked = [rng.choice(np.flatnonzero(labels == c), per_class, replace=False) for c in range(10)]
    return np.sort(np.concatenate(picked))


# ---------------------------------------------------------------- models

class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        s = x if self.shortcut is None else self.shortcut(x)
        return F.relu(y + s)


class ResNetStyle(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.layer1 = BasicBlock(16, 16, 1)
        self.layer2 = BasicBlock(16, 32, 2)
        self.layer3 = BasicBlock(32, 64, 2)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.layer3(self.layer2(self.layer1(self.stem(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        self.use_residual = stride == 1 and cin == cout
        self.expand = nn.Sequential(nn.Conv2d(cin, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.ReLU6())
        self.depthwise = nn.Sequential(nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False),
                                       nn.BatchNorm2d(hidden), nn.ReLU6())
        self.project = nn.Sequential(nn.Conv2d(hidden, cout, 1, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.project(self.depthwise(self.expand(x)))
        return x + y if self.use_residual else y


class MobileNetV2Style(nn.Module):
    def __init__(self):
        super().__init__()
        # A stride-2 stem keeps the expanded blocks at 14x14 and 7x7: depthwise convs are slow to train on CPU.
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU6())
        self.blocks = nn.Sequential(
            InvertedResidual(16, 16, 1, 4),
            InvertedResidual(16, 24, 1, 4),
            InvertedResidual(24, 24, 1, 4),
            InvertedResidual(24, 40, 2, 4),
            InvertedResidual(40, 40, 1, 4),
        )
        self.head = nn.Sequential(nn.Conv2d(40, 128, 1, bias=False), nn.BatchNorm2d(128), nn.ReLU6())
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        x = self.head(self.blocks(self.stem(x)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class VggStyle(nn.Module):
    def __init__(self):
        super().__init__()
        def conv(cin, cout):
            return [nn.Conv2d(cin, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]
        self.features = nn.Sequential(*conv(1, 32), nn.MaxPool2d(2),
                                      *conv(32, 48), *conv(48, 48), nn.MaxPool2d(2),
                                      *conv(48, 64), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(64 * 3 * 3, 256), nn.ReLU(), nn.Dropout(0.3),
                                        nn.Linear(256, 128), nn.ReLU(), nn.Dropout(0.3),
                                        nn.Linear(128, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


MODELS = {
    "resnet": (ResNetStyle, "ResNet-style CNN with residual Adds (3 basic blocks)"),
    "mobilenetv2": (MobileNetV2Style, "MobileNetV2-style CNN: depthwise-separable convs, inverted residuals, ReLU6"),
    "vgg": (VggStyle, "VGG-style CNN: 4 convs and 3 fully connected (Gemm) layers"),
}


# ---------------------------------------------------------------- training

def evaluate(model, x, y, batch=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            correct += (model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item()
    return 100.0 * correct / len(x)


def train(model, x, y, epochs, batch=128):
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    steps = epochs * ((len(x) + batch - 1) // batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=4e-3, total_steps=steps)
    for epoch in range(epochs):
        model.train()
        start = time.time()
        perm = torch.randperm(len(x))
        for i in range(0, len(x), batch):
            idx = perm[i:i + batch]
            xb = x[idx]
            flip = torch.rand(len(idx)) < 0.5  # horizontal flips: clothes are left-right symmetric
            xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
            loss = F.cross_entropy(model(xb), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        print(f"  epoch {epoch + 1}/{epochs}: loss {loss.item():.3f}, {time.time() - start:.0f} s", flush=True)


def param_counts(model):
    total = sum(p.numel() for p in model.parameters())
    bn = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    bn_params = sum(p.numel() for m in bn for p in m.parameters())
    layers = [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    layer_params = sum(p.numel() for m in layers for p in m.parameters())
    # A BatchNorm folded into a bias-free conv leaves one bias per channel behind.
    folded_biases = sum(m.num_features for m in bn)
    return {
        "torchParams": total,
        "torchBatchNormParams": bn_params,
        "torchLayerParams": layer_params,
        "foldedParams": layer_params + folded_biases,
        "torchLayers": len(layers),
        "torchConvLayers": sum(isinstance(m, nn.Conv2d) for m in layers),
        "torchLinearLayers": sum(isinstance(m, nn.Linear) for m in layers),
    }


def export(model, name, description, path, input_shape=(1, 1, 28, 28), mean=MEAN, std=STD,
           dataset="fashion-mnist", labels=CLASSES):
    """Exports an eval-mode model to ONNX with SigmaQuant's metadata; labels=None leaves the labels out.

    The defaults are the fixtures' (Fashion-MNIST, [1,1,28,28]); export_imagenet_size.py passes its own.
    """
    model.eval()
    tmp = path + ".tmp"
    torch.onnx.export(model, torch.zeros(*input_shape), tmp, opset_version=OPSET,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                      do_constant_folding=True)
    proto = onnx.load(tmp)
    proto.producer_name = "sigmaquant-examples"
    proto.doc_string = description
    meta = {
        "sigmaquant.preprocess.scale": repr(SCALE),
        "sigmaquant.preprocess.mean": repr(mean),
        "sigmaquant.preprocess.std": repr(std),
        "sigmaquant.input.layout": "NCHW",
        "sigmaquant.dataset": dataset,
    }
    if labels is not None:
        meta["sigmaquant.labels"] = ",".join(labels)
    meta["sigmaquant.model"] = name
    del proto.metadata_props[:]
    for key, value in meta.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(proto)
    onnx.save(proto, tmp)
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated subset of " + ",".join(MODELS))
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    train_images, train_labels = load_split("train")
    test_images, test_labels = load_split("t10k")
    rng = np.random.default_rng(SEED)
    eval_idx = stratified_indices(test_labels, 2000, rng)
    calib_idx = np.sort(rng.choice(len(train_images), 512, replace=False))
    data_dir = os.path.join(EXAMPLES, "data")
    os.makedirs(data_dir, exist_ok=True)
    write_idx(os.path.join(data_dir, "eval-images-idx3-ubyte"), test_images[eval_idx])
    write_idx(os.path.join(data_dir, "eval-labels-idx1-ubyte"), test_labels[eval_idx])
    write_idx(os.path.join(data_dir, "calib-images-idx3-ubyte"), train_images[calib_idx])
    write_idx(os.path.join(data_dir, "calib-labels-idx1-ubyte"), train_labels[calib_idx])

    x_train, y_train = to_tensor(train_images), torch.from_numpy(train_labels.astype(np.int64))
    x_test, y_test = to_tensor(test_images), torch.from_numpy(test_labels.astype(np.int64))
    models_dir = os.path.join(EXAMPLES, "models")
    os.makedirs(models_dir, exist_ok=True)
    manifest_path = os.path.join(models_dir, "manifest.json")
    manifest = {"models": {}}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            manifest = json.load(f)

    for name in args.models.split(","):
        cls, description = MODELS[name]
        torch.manual_seed(SEED)
        model = cls()
        print(f"{name}: training {args.epochs} epochs", flush=True)
        start = time.time()
        train(model, x_train, y_train, args.epochs)
        path = os.path.join(models_dir, name + ".onnx")
        export(model, name, description, path)
        entry = {
            "file": name + ".onnx",
            "description": description,
            "fp32Top1Test10k": round(evaluate(model, x_test, y_test), 2),
            "fp32Top1EvalSubset": round(evaluate(model, x_test[eval_idx], y_test[eval_idx]), 2),
            "epochs": args.epochs,
            "trainSeconds": round(time.time() - start),
            "opset": OPSET,
            "fileBytes": os.path.getsize(path),
        }
        entry.update(param_counts(model))
        manifest["models"][name] = entry
        print(f"{name}: {json.dumps(entry)}", flush=True)

    manifest["preprocessing"] = {
        "formula": "input = (pixel * scale - mean) / std, pixel in 0..255, layout NCHW [N,1,28,28] float32",
        "scale": SCALE, "mean": MEAN, "std": STD,
        "metadataKeys": ["sigmaquant.preprocess.scale", "sigmaquant.preprocess.mean", "sigmaquant.preprocess.std",
                         "sigmaquant.input.layout", "sigmaquant.dataset", "sigmaquant.labels", "sigmaquant.model"],
    }
    manifest["data"] = {
        "eval": {"images": "../data/eval-images-idx3-ubyte", "labels": "../data/eval-labels-idx1-ubyte",
                 "count": 2000, "source": "Fashion-MNIST t10k, 200 per class, seed %d" % SEED},
        "calib": {"images": "../data/calib-images-idx3-ubyte", "labels": "../data/calib-labels-idx1-ubyte",
                  "count": 512, "source": "Fashion-MNIST train, uniform random, seed %d" % SEED},
    }
    manifest["paramNote"] = ("foldedParams = torchLayerParams + one bias per BatchNorm channel: folding removes "
                             "gamma/beta (torchBatchNormParams) and adds a bias to each bias-free conv")
    tmp = manifest_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    os.replace(tmp, manifest_path)


if __name__ == "__main__":
    main()
