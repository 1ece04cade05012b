"""PyTorch side of the time-to-99% benchmark (issue 31): digitpad's quick
preset -- the same network, initialisation, loss, optimizer, learning-rate
schedule, batch and epochs -- trained from nothing on all 60,000 MNIST
training images, with the test accuracy after every epoch against the
training wall time so far (evaluation not counted: digitpad's --train does
not count it either).

usage: /usr/bin/python3 bench/torch_quick.py --data DIR --spec SPEC
           --epochs E --batch B --lr X --schedule cosine|onecycle --warmup W
           --weight-decay X [--skip-easy X] [--threads 2] [--seeds 1,2,3] [--limit N]
bench/quick.sh passes the recipe digitpad prints, so the two cannot drift.
Prints, per seed and epoch, in the format bench/quick.sh parses:
    torch curve seed=<s> epoch=<e> train_s=<t> test_acc=<a>
    torch done seed=<s> train_s=<t> test_acc=<a> to99_s=<t or none>
Data order: each epoch a fresh uniform shuffle, as digitpad's (its own
generator: the orders differ, their statistics do not).
--skip-easy X (the preset's skip_easy): as digitpad, a sample whose ten
outputs are all within X of their targets gets no backward pass, and the
loss still divides by the whole batch. Autograd cannot drop samples from a
backward pass it has recorded, so the batch's forward pass runs without a
graph and the hard samples run forward again with one: the usual way of
doing this in PyTorch (e.g. selective backprop, Jiang et al. 2019).
"""
import argparse
import gzip
import math
import os
import time

import numpy as np
import torch
from torch import nn


def load_idx(path):
    for p in (path, path + ".gz"):
        if os.path.exists(p):
            opener = gzip.open if p.endswith(".gz") else open
            with opener(p, "rb") as f:
                data = f.read()
            ndim = data[3]
            dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
            return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)
    raise SystemExit(f"torch_quick.py: no {path}[.gz]")


def build(spec):
    """digitpad's spec syntax (include/nn.h), the subset the presets use."""
    layers, c, side, flat = [], 1, 28, False
    for item in spec.split(","):
        item = item.strip()
        if item.startswith("conv"):
            ch, k = item[4:].rstrip("nb").split("k")
            layers.append(nn.Conv2d(c, int(ch), int(k), padding=int(k) // 2,
                                    bias=not item.endswith("nb")))
            c = int(ch)
        elif item == "pool":
            layers.append(nn.MaxPool2d(2))
            side //= 2
        elif item == "relu":
            layers.append(nn.ReLU())
        elif item == "sigmoid":
            layers.append(nn.Sigmoid())
        elif item == "flatten":
            pass
        elif item.startswith("fc"):
            if not flat:
                layers.append(nn.Flatten())
                flat, c = True, c * side * side
            n = int(item[2:].rstrip("nb"))
            layers.append(nn.Linear(c, n, bias=not item.endswith("nb")))
            c = n
        else:
            raise SystemExit(f"torch_quick.py: spec item '{item}' not supported")
    model = nn.Sequential(*layers)
    for mod in model:  # digitpad's He init: N(0, 2/fan_in), biases zero
        if isinstance(mod, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(mod.weight, nonlinearity="relu")
            if mod.bias is not None:
                nn.init.zeros_(mod.bias)
    return model


def lr_at(a, step, total):
    p = min(step / total, 1.0)
    if a.schedule == "onecycle":
        if p < a.warmup:
            return a.lr * (0.1 + 0.9 * p / a.warmup)
        p = (p - a.warmup) / (1.0 - a.warmup)
    elif a.schedule != "cosine":
        return a.lr
    return a.lr * 0.5 * (1.0 + math.cos(math.pi * p))


def accuracy(model, x, y):
    model.eval()
    with torch.inference_mode():
        right = sum(int((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum())
                    for i in range(0, len(x), 1000))
    model.train()
    return right / len(x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--spec", required=True)
    ap.add_argument("--epochs", type=int, required=True)
    ap.add_argument("--batch", type=int, required=True)
    ap.add_argument("--lr", type=float, required=True)
    ap.add_argument("--schedule", default="cosine")
    ap.add_argument("--warmup", type=float, default=0.2)
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--skip-easy", type=float, default=0.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--limit", type=int, default=0, help="the first N training images (smoke runs)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    xtr = torch.from_numpy(load_idx(f"{a.data}/train-images-idx3-ubyte").copy()).float()
    xtr = xtr.div_(255.0).unsqueeze(1)
    ytr = torch.from_numpy(load_idx(f"{a.data}/train-labels-idx1-ubyte").astype(np.int64))
    xte = torch.from_numpy(load_idx(f"{a.data}/t10k-images-idx3-ubyte").copy()).float()
    xte = xte.div_(255.0).unsqueeze(1)
    yte = torch.from_numpy(load_idx(f"{a.data}/t10k-labels-idx1-ubyte").astype(np.int64))
    if a.limit:
        xtr, ytr = xtr[:a.limit], ytr[:a.limit]
    ttr = nn.functional.one_hot(ytr, 10).float()
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads, {a.spec}, "
          f"{a.epochs} epochs, batch {a.batch}, AdamW lr {a.lr} ({a.schedule}), "
          f"weight decay {a.weight_decay}, bce, skip easy {a.skip_easy}", flush=True)
    n = len(xtr)
    steps_per_epoch = (n + a.batch - 1) // a.batch
    total = steps_per_epoch * a.epochs
    for seed in (int(s) for s in a.seeds.split(",")):
        torch.manual_seed(seed)
        model = build(a.spec)
        opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(0.9, 0.999), eps=1e-8,
                                weight_decay=a.weight_decay)
        # digitpad's BCE: summed over the ten outputs, mean over the batch
        loss_fn = nn.BCELoss(reduction="sum")
        train_s, step, to99, acc = 0.0, 0, None, 0.0
        for e in range(a.epochs):
            t0 = time.perf_counter()
            order = torch.randperm(n)
            for i in range(0, n, a.batch):
                idx = order[i:i + a.batch]
                for g in opt.param_groups:
                    g["lr"] = lr_at(a, step, total)
                opt.zero_grad(set_to_none=True)
                if a.skip_easy > 0:
                    with torch.no_grad():
                        err = (model(xtr[idx]) - ttr[idx]).abs().amax(1)
                    hard = idx[~(err < a.skip_easy)]
                    if len(hard):
                        loss = loss_fn(model(xtr[hard]), ttr[hard]) / len(idx)
                        loss.backward()
                else:
                    loss = loss_fn(model(xtr[idx]), ttr[idx]) / len(idx)
                    loss.backward()
                opt.step()
                step += 1
            train_s += time.perf_counter() - t0
            acc = accuracy(model, xte, yte)
            if to99 is None and acc >= 0.99:
                to99 = train_s
            print(f"torch curve seed={seed} epoch={e + 1} train_s={train_s:.2f} "
                  f"test_acc={acc:.4f}", flush=True)
        print(f"torch done seed={seed} train_s={train_s:.2f} test_acc={acc:.4f} "
              f"to99_s={'none' if to99 is None else f'{to99:.2f}'}", flush=True)


if __name__ == "__main__":
    main()
