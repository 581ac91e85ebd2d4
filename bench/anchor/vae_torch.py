#!/usr/bin/env python3
"""PyTorch CPU anchor for the site's larger VAE (issue 19): the same network, batch and
optimiser as `lenses-bench vae`, timed per epoch.

VAE of `Sources/Models/VariationalAutoencoder.swift` with the site preset's `deep.vae` settings:
encoder 64 → 128 → 128 → 2·10 (μ, log σ²), decoder 10 → 128 → 128 → 64 logits, ReLU, Bernoulli
decoder (binary cross-entropy on pixels / 16), one reparameterised draw per row, mean negative
ELBO over the batch; Adam (lr 1e-3, β 0.9 / 0.999, ε 1e-8), batch 64, the digits' training rows
(the same count as lenses: a stratified 70 % of data/digits.csv). float64, as lenses computes.
One thread (torch.set_num_threads(1)), as each lenses job runs on one core.

    python3 bench/anchor/vae_torch.py --data data/digits.csv --epochs 20 [--dtype float64|float32]

Prints JSON: {"epoch": [seconds per epoch...], "rows", "dtype", "torch"}; the first epoch (warm-up)
is not included.
"""
import argparse
import json
import time

import numpy as np
import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--rows", type=int, default=0, help="training rows (default: round(0.7 n), as lenses)")
    ap.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    a = ap.parse_args()
    torch.set_num_threads(1)
    dtype = getattr(torch, a.dtype)
    raw = np.loadtxt(a.data, delimiter=",", skiprows=1)
    x_all = raw[:, :64] / 16.0
    rng = np.random.default_rng(42)
    n = a.rows or int(round(0.7 * len(x_all)))
    x = torch.tensor(x_all[rng.permutation(len(x_all))[:n]], dtype=dtype)

    L, H = 10, 128
    enc = torch.nn.Sequential(torch.nn.Linear(64, H), torch.nn.ReLU(), torch.nn.Linear(H, H), torch.nn.ReLU(),
                              torch.nn.Linear(H, 2 * L)).to(dtype)
    dec = torch.nn.Sequential(torch.nn.Linear(L, H), torch.nn.ReLU(), torch.nn.Linear(H, H), torch.nn.ReLU(),
                              torch.nn.Linear(H, 64)).to(dtype)
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    bce = torch.nn.BCEWithLogitsLoss(reduction="sum")
    gen = torch.Generator().manual_seed(0)

    def epoch():
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n, 64):
            xb = x[perm[i:i + 64]]
            h = enc(xb)
            mu, logvar = h[:, :L], h[:, L:]
            z = mu + torch.exp(0.5 * logvar) * torch.randn(mu.shape, dtype=dtype, generator=gen)
            rec = bce(dec(z), xb)
            kl = 0.5 * torch.sum(torch.exp(logvar) + mu * mu - 1 - logvar)
            loss = (rec + kl) / xb.shape[0]
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

    epoch()  # warm-up
    times = []
    for _ in range(a.epochs):
        t0 = time.process_time()
        epoch()
        times.append(time.process_time() - t0)
    print(json.dumps({"epoch": times, "rows": n, "dtype": a.dtype, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
