#!/usr/bin/python3
"""Export ImageNet-size models and 224x224 calibration images for SigmaQuant's speed benchmarks.

Needs Debian's PyTorch, torchvision and ONNX (no internet: the weights are torchvision's random
initialisation, weights=None, seeded, with BatchNorm statistics measured on the calibration images; timings
and table differences do not need trained weights):
    apt-get install python3-torch python3-torchvision python3-onnx
    /usr/bin/python3 examples/train/export_imagenet_size.py --out DIR [--images 64]

Writes into DIR (never into the repository: ResNet-18 is 45 MB):
    resnet18.onnx, mobilenet_v2.onnx     FP32 [N,3,224,224] -> [N,1000], BatchNorm folded by torch's eval-mode
                                         export, dynamic batch, opset and metadata as train_fixtures.py
    data/calib-*-idx*-ubyte              the first N of examples/data's calibration images (Fashion-MNIST),
                                         upscaled bilinearly to 224x224 and repeated over 3 channels (N×H×W×C)
    data/eval-*-idx*-ubyte               the same images (the CLI's data folder wants both splits)
"""
import argparse
import os

import numpy as np
import torch
import torch.nn.functional as F
import torchvision

import train_fixtures
from train_fixtures import EXAMPLES, SCALE, SEED, read_idx, write_idx

SIZE = 224
# ImageNet's per-channel mean/std averaged over channels: SigmaQuant's preprocessing is one scalar pair.
MEAN = 0.449
STD = 0.226
MODELS = {
    "resnet18": (lambda: torchvision.models.resnet18(weights=None), "torchvision ResNet-18, random init"),
    "mobilenet_v2": (lambda: torchvision.models.mobilenet_v2(weights=None), "torchvision MobileNetV2, random init"),
}


def export(model, name, description, path):
    train_fixtures.export(model, name, description, path, input_shape=(1, 3, SIZE, SIZE), mean=MEAN, std=STD,
                          dataset="fashion-mnist upscaled to 224x224x3 (benchmark only)", labels=None)


def images(out, count):
    src = os.path.join(EXAMPLES, "data")
    x = read_idx(os.path.join(src, "calib-images-idx3-ubyte"))[:count]
    y = read_idx(os.path.join(src, "calib-labels-idx1-ubyte"))[:count]
    t = torch.from_numpy(x.astype(np.float32)).unsqueeze(1)
    t = F.interpolate(t, size=(SIZE, SIZE), mode="bilinear", align_corners=False)
    hwc = t.round().clamp(0, 255).to(torch.uint8).squeeze(1).unsqueeze(-1).repeat(1, 1, 1, 3).numpy()
    data = os.path.join(out, "data")
    os.makedirs(data, exist_ok=True)
    for split in ("calib", "eval"):
        write_idx(os.path.join(data, split + "-images-idx3-ubyte"), hwc)
        write_idx(os.path.join(data, split + "-labels-idx1-ubyte"), y)
    return hwc


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="output folder (outside the repository)")
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated subset of " + ",".join(MODELS))
    parser.add_argument("--images", type=int, default=64)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    hwc = images(args.out, args.images)
    print(f"data: {args.images} images in {os.path.join(args.out, 'data')}", flush=True)
    for name in args.models.split(","):
        make, description = MODELS[name]
        torch.manual_seed(SEED)
        model = make()
        recalibrate_batchnorm(model, hwc)
        export(model, name, description + ", BatchNorm statistics from the calibration images",
               os.path.join(args.out, name + ".onnx"))
        print(f"{name}: {os.path.join(args.out, name + '.onnx')}", flush=True)


def recalibrate_batchnorm(model, hwc):
    """Sets every BatchNorm's running mean and variance from the images (as the model's preprocessing feeds them).

    A random-init network keeps BatchNorm's initial statistics (mean 0, variance 1), so its activations shrink or
    blow up layer by layer: MobileNetV2's output then does not depend on its input at all and every KL is 0. With
    statistics measured on the images, each layer's activations are normalised as in a trained network (the
    weights are still random, and so is how much per-image KLs vary: less than a trained network's).
    """
    x = torch.from_numpy(hwc.astype(np.float32)).permute(0, 3, 1, 2) * SCALE
    x = (x - MEAN) / STD
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.reset_running_stats()
            m.momentum = None  # a cumulative average over the batches
    model.train()
    with torch.no_grad():
        for batch in torch.split(x, 16):
            model(batch)
    model.eval()


if __name__ == "__main__":
    main()
