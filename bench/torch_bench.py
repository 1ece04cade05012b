"""PyTorch side of digitpad's benchmark: the same three presets, same shapes,
batch, optimizer and thread count, timed the same way as bench/bench_nn.c.

usage: python3 bench/torch_bench.py [--repeats N] [--seconds S] [--runs N]
                                    [--presets seed,mlp,cnn] [--threads 1,2]
Prints one line per measurement, in the format bench/run.sh parses:
    torch train <preset> threads=<T> sps=<samples per second>
    torch infer <preset> median_ms=<m> p99_ms=<p>
As bench_nn: training is a warm-up, then whole steps (forward, loss,
backward, optimizer) for at least S seconds; inference is 50 warm-up runs,
then N single-sample forward passes on one thread, each timed.  The
optimizers are digitpad's presets: plain SGD lr 0.02 for seed, AdamW (lr
1e-3, weight decay 1e-4) for mlp and cnn.  Dense PyTorch kernels do not
depend on the pixel values, so the inputs are random.
"""
import argparse
import statistics
import time

import torch
from torch import nn


def build(preset):
    if preset == "seed":
        return nn.Sequential(nn.Linear(784, 100, bias=False), nn.Sigmoid(),
                             nn.Linear(100, 10, bias=False), nn.Sigmoid())
    if preset == "mlp":
        return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                             nn.Linear(128, 10), nn.Sigmoid())
    return nn.Sequential(nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10),
                         nn.Sigmoid())


def shape(preset, n):
    return (n, 1, 28, 28) if preset == "cnn" else (n, 784)


def train_sps(preset, threads, seconds):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    model = build(preset)
    batch = 1 if preset == "seed" else 64
    if preset == "seed":
        opt = torch.optim.SGD(model.parameters(), lr=0.02)
        loss_fn = lambda y, t: 0.5 * ((y - t) ** 2).sum() / y.shape[0]
    else:
        # digitpad's mlp/cnn presets: AdamW with decoupled weight decay.
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
        loss_fn = nn.BCELoss(reduction="sum")
    xs = torch.rand(shape(preset, batch * 64))
    ts = torch.nn.functional.one_hot(torch.randint(0, 10, (batch * 64,)), 10).float()

    def step(i):
        j = (i % 64) * batch
        x, t = xs[j:j + batch], ts[j:j + batch]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), t) / (1 if preset == "seed" else batch)
        loss.backward()
        opt.step()

    for i in range(20):  # warm-up
        step(i)
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        step(n)
        n += 1
    el = time.perf_counter() - t0
    return n * batch / el


def infer_ms(preset, runs):
    torch.set_num_threads(1)
    model = build(preset).eval()
    x = torch.rand(shape(preset, 1))
    times = []
    with torch.inference_mode():
        for _ in range(50):
            model(x)
        for _ in range(runs):
            t0 = time.perf_counter()
            model(x)
            times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return statistics.median(times), times[int(0.99 * (len(times) - 1))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--runs", type=int, default=2000)
    ap.add_argument("--presets", default="seed,mlp,cnn")
    ap.add_argument("--threads", default="1,2")
    a = ap.parse_args()
    print(f"# torch {torch.__version__}, default {torch.get_num_threads()} intra-op threads; "
          f"set per measurement with torch.set_num_threads")
    for preset in a.presets.split(","):
        for threads in (int(t) for t in a.threads.split(",")):
            v = statistics.median(train_sps(preset, threads, a.seconds) for _ in range(a.repeats))
            print(f"torch train {preset} threads={threads} sps={v:.1f}", flush=True)
        med, p99 = infer_ms(preset, a.runs)
        print(f"torch infer {preset} median_ms={med:.4f} p99_ms={p99:.4f}", flush=True)


if __name__ == "__main__":
    main()
