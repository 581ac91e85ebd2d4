#!/usr/bin/env python3
"""scikit-learn doing the fits of TwoLenses' learning-curve study on the same rows.

Input: a folder with plan-<dataset>.json written by `LearningCurves.exportPlan` (the data,
the learners, the settings and the exact train/test row indices of every fit) and, optionally,
swift-<dataset>.json (`LearningCurveMeasurements`: Swift's per-fit test errors) to compare with.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python3 bench/learning_curves/bench.py DIR [--jobs N] [--repeat R] [--swift DIR2] [--out report.json]

For every (size, split) it does what the Swift study does: preprocess (standardise with the
training rows' mean/SD, SD 0 -> 1, or divide by a fixed number; binarise), fit every learner,
predict the test part and the training set. Timed: the fits and predictions (not the JSON reading).
GaussianNB, BernoulliNB, MultinomialNB and LogisticRegression(solver="lbfgs") are scikit-learn's;
the pooled-variance Gaussian NB has no scikit-learn class and is written here in numpy.
"""
import argparse
import json
import os
import pathlib
import sys
import time
import warnings

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.naive_bayes import BernoulliNB, GaussianNB, MultinomialNB  # noqa: E402

warnings.filterwarnings("ignore", category=ConvergenceWarning)


def pooled_gnb(xtr, ytr, xte_list, K, var_smoothing):
    """Gaussian NB with one variance per feature pooled over classes (MLE, / n), + eps as GaussianNB."""
    eps = var_smoothing * xtr.var(axis=0).max()
    means = np.stack([xtr[ytr == k].mean(axis=0) for k in range(K)])
    priors = np.bincount(ytr, minlength=K) / len(ytr)
    var = ((xtr - means[ytr]) ** 2).mean(axis=0) + eps
    const = np.log(priors) - 0.5 * np.log(2 * np.pi * var).sum()
    out = []
    for x in xte_list:
        jll = const[None, :] - 0.5 * (((x[:, None, :] - means[None, :, :]) ** 2) / var).sum(axis=2)
        out.append(jll.argmax(axis=1))
    return out


def run_unit(plan, i, s):
    X, y, K = plan["X"], plan["y"], plan["classCount"]
    st = plan["settings"]
    tr = np.asarray(plan["train"][i][s]); te = np.asarray(plan["tests"][s])
    xtr, ytr, xte, yte = X[tr], y[tr], X[te], y[te]
    cache = {}

    def lr_features():
        if "f" not in cache:
            if plan["standardizeForLogistic"]:
                mu = xtr.mean(axis=0); sd = xtr.std(axis=0); sd[sd == 0] = 1
                cache["f"] = ((xtr - mu) / sd, (xte - mu) / sd)
            else:
                dv = plan["logisticDivisor"]
                cache["f"] = (xtr / dv, xte / dv)
        return cache["f"]

    def binarised():
        if "b" not in cache:
            t = plan["binarizeThreshold"]
            cache["b"] = ((xtr > t).astype(float), (xte > t).astype(float))
        return cache["b"]

    results = []
    for learner in plan["learners"]:
        kind, converged = learner["kind"], True
        if kind == "pooledGaussianNB":
            ptr, pte = pooled_gnb(xtr, ytr, [xtr, xte], K, st["varSmoothing"])
        else:
            if kind == "gaussianNB":
                model, a, b = GaussianNB(var_smoothing=st["varSmoothing"]), xtr, xte
            elif kind == "bernoulliNB":
                model, a, b = BernoulliNB(alpha=st["alpha"], binarize=plan["binarizeThreshold"]), xtr, xte
            elif kind == "multinomialNB":
                model, a, b = MultinomialNB(alpha=st["alpha"]), xtr, xte
            elif kind == "logistic":
                a, b = lr_features() if learner["representation"] == "features" else binarised()
                model = LogisticRegression(C=learner["c"], tol=plan["logisticTolerance"], max_iter=st["maxIterations"], solver="lbfgs")
            else:
                raise SystemExit(f"unknown learner kind {kind}")
            model.fit(a, ytr)
            if kind == "logistic":
                converged = bool(model.n_iter_[0] < st["maxIterations"])
            ptr, pte = model.predict(a), model.predict(b)
        results.append((float(np.mean(pte != yte)), float(np.mean(ptr != ytr)), converged))
    return results


def run_chunk(args):
    path, units = args
    plan = load(path)
    return [(u, run_unit(plan, i, s)) for (u, i, s) in units]


def load(path):
    plan = json.loads(pathlib.Path(path).read_text())
    plan["X"] = np.asarray(plan["x"], dtype=float).reshape(plan["rows"], plan["cols"])
    plan["y"] = np.asarray(plan["y"])
    return plan


def bench(path, jobs):
    plan = load(path)
    S, sizes = len(plan["tests"]), plan["sizes"]
    units = [(i * S + s, i, s) for i in reversed(range(len(sizes))) for s in range(S)]
    start, cpu_start = time.perf_counter(), time.process_time()
    if jobs == 1:
        out = [(u, run_unit(plan, i, s)) for (u, i, s) in units]
    else:
        from concurrent.futures import ProcessPoolExecutor
        chunks = [units[k::jobs * 8] for k in range(jobs * 8)]
        with ProcessPoolExecutor(jobs) as pool:
            out = [r for part in pool.map(run_chunk, [(path, c) for c in chunks]) for r in part]
    seconds = time.perf_counter() - start  # with jobs > 1 this includes each worker's JSON load
    # CPU seconds of this process (one BLAS thread): the fair number on a loaded machine; with
    # jobs > 1 the workers' CPU is not in it, so it is reported only for jobs == 1.
    cpu = time.process_time() - cpu_start if jobs == 1 else float("nan")
    L = len(plan["learners"])
    test = np.full((L, len(sizes), S), np.nan)
    conv = np.ones((L, len(sizes), S), dtype=bool)
    for u, res in out:
        i, s = divmod(u, S)
        for l, (e, _, c) in enumerate(res):
            test[l, i, s] = e; conv[l, i, s] = c
    return plan, (seconds, cpu), test, conv


def compare(plan, test, swift_path):
    sw = json.loads(pathlib.Path(swift_path).read_text())
    L, I, S = test.shape
    st = np.asarray(sw["testError"]).reshape(L, I, S)
    same = float(np.mean(np.isclose(st, test, rtol=0, atol=1e-12)))
    gap = np.abs(st.mean(axis=2) - test.mean(axis=2))
    worst = np.unravel_index(gap.argmax(), gap.shape)
    per = {plan["learners"][l]["id"]: float(np.mean(np.isclose(st[l], test[l], rtol=0, atol=1e-12))) for l in range(L)}
    return {"identical_fit_errors": same, "identical_by_learner": per,
            "largest_mean_error_gap": float(gap.max()),
            "at": {"learner": plan["learners"][worst[0]]["id"], "m": plan["sizes"][worst[1]]}}


def verdicts(plan, test, level=0.95):
    """The study's verdict rule (95 % t intervals of the mean disjoint) applied to these errors."""
    from scipy import stats
    ids = [l["id"] for l in plan["learners"]]
    S = test.shape[2]
    h = stats.t.ppf((1 + level) / 2, S - 1) * test.std(axis=2, ddof=1) / np.sqrt(S)
    mean = test.mean(axis=2)
    out = {}
    for pair in plan["pairs"]:
        g, d = ids.index(pair["generative"]), ids.index(pair["discriminative"])
        sig = (mean[g] + h[g] < mean[d] - h[d]) | (mean[d] + h[d] < mean[g] - h[g])
        diff = (test[g] - test[d]).mean(axis=1)
        nb = [m for m, s_, x in zip(plan["sizes"], sig, diff) if s_ and x < 0]
        lrf = [bool(s_ and x > 0) for s_, x in zip(sig, diff)]
        cross = None
        for k in reversed(range(len(lrf))):
            if not lrf[k]:
                break
            cross = plan["sizes"][k]
        if cross is not None and nb:
            v = "Ng–Jordan pattern"
        elif not nb and any(lrf):
            v = "LR never worse"
        else:
            v = "no LR advantage"
        out[f"{pair['generative']} vs {pair['discriminative']}"] = {"verdict": v, "crossover": cross}
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--only", default="")
    ap.add_argument("--out", default="")
    ap.add_argument("--swift", default="", help="folder with swift-<dataset>.json (default: the plan folder)")
    a = ap.parse_args()
    folder = pathlib.Path(a.folder)
    plans = sorted(folder.glob("plan-*.json"))
    if a.only:
        plans = [p for p in plans if p.stem[5:] in a.only.split(",")]
    report = {"sklearn": sklearn.__version__, "numpy": np.__version__, "jobs": a.jobs, "datasets": {}}
    for p in plans:
        name = p.stem[5:]
        times, cpus = [], []
        for _ in range(a.repeat):
            plan, (seconds, cpu), test, conv = bench(str(p), a.jobs)
            times.append(seconds); cpus.append(cpu)
        entry = {"seconds": times, "median_seconds": float(np.median(times)),
                 "cpu_seconds": cpus, "median_cpu_seconds": float(np.median(cpus)),
                 "fits": int(test.size), "non_converged": int((~conv).sum())}
        swift = pathlib.Path(a.swift or folder) / f"swift-{name}.json"
        if swift.exists():
            entry["agreement"] = compare(plan, test, swift)
        entry["verdicts_from_sklearn_fits"] = verdicts(plan, test)
        report["datasets"][name] = entry
        print(f"{name}: median {entry['median_seconds']:.2f} s (CPU {entry['median_cpu_seconds']:.2f} s) over {a.repeat} run(s), {entry['fits']} fits, "
              f"non-converged {entry['non_converged']}; agreement {entry.get('agreement', {}).get('identical_fit_errors')}",
              flush=True)
    report["total_median_seconds"] = sum(d["median_seconds"] for d in report["datasets"].values())
    print(f"TOTAL (sum of medians) {report['total_median_seconds']:.2f} s")
    if a.out:
        pathlib.Path(a.out).write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    sys.exit(main())
