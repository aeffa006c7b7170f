#!/usr/bin/python3
"""Train and export the digits CNN that breaks sigma-first allocation (examples/digits).

Needs Debian's PyTorch, ONNX and scikit-learn (for its bundled 8x8 digits):
    apt-get install python3-torch python3-onnx python3-sklearn
    /usr/bin/python3 examples/train/train_digits.py          # 1-2 minutes on 2 cores, seeded

Writes, into examples/digits:
    digits.onnx                  CNN on sklearn's 8x8 digits: Conv with BatchNormalization kept as its own
                                 node, a grouped Conv, a MatMul with a constant weight (the largest layer, with
                                 the smallest sigma, and the most sensitive at 2 bits), a Gemm
    {eval,calib}-*-idx*-ubyte    IDX data (uint8 pixels 0..255, 8x8), same layout as examples/data:
                                 500 held-out images (50 per class), 256 training images for calibration
    report.json                  torch accuracy, per-layer sigma, top-1 with each layer alone quantized

The MatMul carries one frozen outlier weight (DIGITS_SPIKE, default 0.4) per output column, as outlier
features do in large models: float accuracy is unaffected, but it sets each column's max-abs scale, so at 2
bits the many small weights that carry the signal round to zero (top-1 33 % with only that layer at 2 bits,
97 % at 3 bits). Its sigma stays the smallest of the four layers, so Phase 1 of the paper method sends it to
the lowest bitwidth. DIGITS_L1 (default 2e-4) is the L1 strength that keeps its ordinary weights small.
"""
import json
import os

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

from train_fixtures import write_idx   # same IDX layout as the fixtures' data

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 17
SEED = 20260227
SCALE = 1.0 / 255.0


def set_metadata(proto, meta, producer, doc):
    proto.producer_name = producer
    proto.doc_string = doc
    del proto.metadata_props[:]
    for key, value in meta.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value


# ---------------------------------------------------------------- digits

class DigitsNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 16, 3, 1, 1, groups=4)
        self.w = nn.Parameter(torch.randn(16 * 8 * 8, 64) / 32.0)   # MatMul weight [1024, 64]
        self.b = nn.Parameter(torch.zeros(64))
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.conv2(x))
        x = torch.flatten(x, 1)
        x = F.relu(x @ self.w + self.b)
        return self.fc(x)


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        return 100.0 * (model(x).argmax(1) == y).float().mean().item()


def folded_conv1(model):
    bn = model.bn1
    factor = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    return model.conv1.weight * factor[:, None, None, None]


def layer_weights(model):
    """Weights as SigmaQuant sees them (BN folded), with their per-channel axis."""
    return {
        "conv1(+bn)": (folded_conv1(model).detach(), 0),
        "conv2(g=4)": (model.conv2.weight.detach(), 0),
        "matmul": (model.w.detach(), 1),
        "gemm": (model.fc.weight.detach(), 0),   # torch Linear exports as Gemm transB=1 -> axis 0
    }


def fake_quant(w, bits, axis):
    """Symmetric per-channel max-abs quantization, like SigmaQuant's WeightQuantizer."""
    qmax = 2 ** (bits - 1) - 1
    dims = [d for d in range(w.dim()) if d != axis]
    scale = w.abs().amax(dim=dims, keepdim=True).clamp_min(1e-12) / qmax
    return torch.round(w / scale).clamp(-qmax, qmax) * scale


def quantized_accuracy(model, name, bits, x, y):
    import copy
    m = copy.deepcopy(model).eval()
    with torch.no_grad():
        if name == "conv1(+bn)":
            w = folded_conv1(m)
            q = fake_quant(w, bits, 0)
            factor = m.bn1.weight / torch.sqrt(m.bn1.running_var + m.bn1.eps)
            m.conv1.weight.copy_(q / factor[:, None, None, None])
        elif name == "conv2(g=4)":
            m.conv2.weight.copy_(fake_quant(m.conv2.weight, bits, 0))
        elif name == "matmul":
            m.w.copy_(fake_quant(m.w, bits, 1))
        else:
            m.fc.weight.copy_(fake_quant(m.fc.weight, bits, 0))
    return accuracy(m, x, y)


def make_digits():
    out = os.path.join(os.path.dirname(HERE), "digits")
    os.makedirs(out, exist_ok=True)
    digits = load_digits()
    pixels = np.round(digits.images * (255.0 / 16.0)).clip(0, 255).astype(np.uint8)   # [1797, 8, 8]
    labels = digits.target.astype(np.uint8)

    rng = np.random.default_rng(SEED)
    eval_idx = np.sort(np.concatenate([rng.choice(np.flatnonzero(labels == c), 50, replace=False)
                                       for c in range(10)]))                       # 500 held out
    train_idx = np.setdiff1d(np.arange(len(labels)), eval_idx)                     # 1297
    calib_idx = np.sort(rng.choice(train_idx, 256, replace=False))
    write_idx(os.path.join(out, "eval-images-idx3-ubyte"), pixels[eval_idx])
    write_idx(os.path.join(out, "eval-labels-idx1-ubyte"), labels[eval_idx])
    write_idx(os.path.join(out, "calib-images-idx3-ubyte"), pixels[calib_idx])
    write_idx(os.path.join(out, "calib-labels-idx1-ubyte"), labels[calib_idx])

    train_pix = pixels[train_idx].astype(np.float64) * SCALE
    mean, std = float(round(train_pix.mean(), 4)), float(round(train_pix.std(), 4))

    def to_tensor(p):
        return ((torch.from_numpy(p.astype(np.float32) * SCALE) - mean) / std).unsqueeze(1)

    x_train, y_train = to_tensor(pixels[train_idx]), torch.from_numpy(labels[train_idx].astype(np.int64))
    x_eval, y_eval = to_tensor(pixels[eval_idx]), torch.from_numpy(labels[eval_idx].astype(np.int64))

    torch.manual_seed(SEED)
    model = DigitsNet()
    # No weight decay; an L1 term on the MatMul only keeps its ordinary weights small (smallest sigma).
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    epochs, batch = 60, 64
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    l1 = float(os.environ.get("DIGITS_L1", "2e-4"))
    # One frozen outlier weight per MatMul output column ("outlier features", as in large transformers):
    # the network trains around them, so float accuracy is unaffected, but they set the per-channel
    # max-abs scale, and at low bitwidths the many small weights that carry the signal round to zero.
    spike = float(os.environ.get("DIGITS_SPIKE", "0.4"))
    gen = torch.Generator().manual_seed(SEED)
    # Put them on the flattened features whose 5x5 receptive field sees the least ink (digit borders), so the
    # network cannot use them as a cheap discriminative signal: the small weights must carry the class.
    ink = torch.from_numpy(pixels[train_idx].astype(np.float32)).pow(2).mean(0)[None, None]
    field = F.avg_pool2d(F.pad(ink, (2, 2, 2, 2)), 5, 1)[0, 0].flatten()          # [64] positions
    quiet = torch.argsort(field)[:model.w.shape[1] // 16]                            # 4 quietest positions
    rows = (torch.arange(16)[:, None] * 64 + quiet[None, :]).flatten()               # 16 channels x 4
    rows = rows[torch.randperm(len(rows), generator=gen)]
    signs = torch.randint(0, 2, (model.w.shape[1],), generator=gen).float() * 2 - 1
    mask = torch.zeros_like(model.w)
    with torch.no_grad():
        if spike > 0:
            mask[rows, torch.arange(model.w.shape[1])] = 1.0
            model.w[rows, torch.arange(model.w.shape[1])] = spike * signs
    model.w.register_hook(lambda g: g * (1.0 - mask))
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(x_train))
        for i in range(0, len(x_train), batch):
            idx = perm[i:i + batch]
            xb = x_train[idx]
            # small random shifts (+-1 px) as augmentation
            dx, dy = np.random.RandomState(SEED + epoch * 1000 + i).randint(-1, 2, 2)
            xb = torch.roll(xb, shifts=(int(dy), int(dx)), dims=(2, 3))
            loss = F.cross_entropy(model(xb), y_train[idx]) + l1 * (model.w * (1.0 - mask)).abs().sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()
    model.eval()
    top1 = accuracy(model, x_eval, y_eval)
    print(f"digits: torch top-1 on eval (500) = {top1:.2f} %", flush=True)

    layers = {}
    for name, (w, axis) in layer_weights(model).items():
        wn = w.numpy()
        maxabs_ch = np.abs(wn).max(axis=tuple(d for d in range(wn.ndim) if d != axis))
        layers[name] = {
            "params": int(wn.size),
            "sigma": float(wn.std()),
            "meanMaxAbsOverSigma": float(maxabs_ch.mean() / wn.std()),
            "top1WhenAloneQuantized": {b: round(quantized_accuracy(model, name, b, x_eval, y_eval), 2)
                                       for b in (2, 3, 4, 5, 6, 8)},
        }
        print(f"  {name:12s} params {wn.size:6d}  sigma {wn.std():.5f}  "
              f"max/sigma {layers[name]['meanMaxAbsOverSigma']:.1f}  quant-alone top1 "
              f"{layers[name]['top1WhenAloneQuantized']}", flush=True)

    path = os.path.join(out, "digits.onnx")
    tmp = path + ".tmp"
    torch.onnx.export(model, torch.zeros(1, 1, 8, 8), tmp, opset_version=OPSET,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                      do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE)
    proto = onnx.load(tmp)
    ops = [n.op_type for n in proto.graph.node]
    bn_nodes = [n for n in proto.graph.node if n.op_type == "BatchNormalization"]
    assert bn_nodes, "BatchNormalization was folded away: " + ",".join(ops)
    assert all(len(n.output) == 1 for n in bn_nodes), "BatchNormalization exported in training mode"
    assert "MatMul" in ops and "Gemm" in ops, ops
    set_metadata(proto, {
        "sigmaquant.preprocess.scale": repr(SCALE),
        "sigmaquant.preprocess.mean": repr(mean),
        "sigmaquant.preprocess.std": repr(std),
        "sigmaquant.input.layout": "NCHW",
        "sigmaquant.dataset": "sklearn-digits-8x8",
        "sigmaquant.labels": ",".join(str(c) for c in range(10)),
        "sigmaquant.model": "digits",
    }, "sigmaquant-examples", "8x8 digits CNN: Conv+BatchNormalization (unfolded), grouped Conv, MatMul, Gemm")
    onnx.checker.check_model(proto, full_check=True)
    onnx.save(proto, tmp)
    os.replace(tmp, path)
    print("digits: ops " + " ".join(ops), flush=True)

    report = {"torchTop1Eval500": round(top1, 2), "mean": mean, "std": std, "scale": SCALE,
              "evalCount": int(len(eval_idx)), "calibCount": int(len(calib_idx)), "trainCount": int(len(train_idx)),
              "onnxOps": ops, "layers": layers}
    with open(os.path.join(out, "report.json"), "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")


def main():
    torch.set_num_threads(os.cpu_count())
    np.random.seed(SEED)
    make_digits()


if __name__ == "__main__":
    main()
