"""The anchor's side of the micro-benchmarks (scikit-learn + matplotlib), matching
`lenses-bench`: one P(y|x) figure rendered and saved as PNG; P(y|x) on the 200×200
grid per gallery model; one GMM EM fit (Old Faithful, k = 2, full, one start) and the
BIC sweep (k = 1..5, n_init = 10); one RBF SVM fit with probabilities.

Usage: micro.py --splits DIR --data DIR [--reps N] [--dataset NAME]   (JSON on stdout)
"""
import argparse
import io
import json
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import anchor  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.mixture import GaussianMixture  # noqa: E402


def times(reps, f):
    """CPU seconds of the process (all its threads, so numpy's BLAS threads count too) per call."""
    out = []
    for _ in range(reps):
        s = time.process_time()
        f()
        out.append(time.process_time() - s)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--splits", required=True, type=pathlib.Path)
    ap.add_argument("--data", required=True, type=pathlib.Path)
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--dataset", default="two_moons")
    a = ap.parse_args()
    d = json.loads((a.splits / f"{a.dataset}.json").read_text())
    Xtr, ytr = np.array(d["X_train"]), np.array(d["y_train"])
    Xte, yte = np.array(d["X_test"]), np.array(d["y_test"])
    X = np.vstack([Xtr, Xte])
    ext, gx, gy, G = anchor.grid_points(X)
    out = {"dataset": a.dataset}

    # One P(y|x) figure: draw (Agg canvas) and draw + encode + save (savefig to memory).
    lr = anchor.make_model("logistic_regression").fit(Xtr, ytr)
    proba = lr.predict_proba(G)

    def render_save():
        anchor.map_figure(io.BytesIO(), "logistic_regression: P(y|x)", "two moons", d["class_names"], ext, proba,
                          gx, gy, Xtr, ytr, Xte, yte)
    render_save()
    out["render_save"] = times(a.reps, render_save)

    def draw_only():
        fig, ax = anchor.new_figure("logistic_regression: P(y|x)", "two moons")
        fig.canvas.draw()
        plt.close(fig)
    out["draw_empty_figure"] = times(a.reps, draw_only)

    rows = []
    for kind in anchor.MAP_MODELS:
        fit_t = times(max(1, a.reps // 3), lambda: anchor.make_model(kind).fit(Xtr, ytr))
        m = anchor.make_model(kind).fit(Xtr, ytr)
        row = {"model": kind, "fit": fit_t, "grid_proba": times(a.reps, lambda: m.predict_proba(G))}
        if kind in anchor.GENERATIVE:
            row["grid_log_density"] = times(a.reps, lambda: anchor.class_log_density(kind, m, G))
        rows.append(row)
    out["models"] = rows

    F = np.loadtxt(a.data / "faithful.csv", delimiter=",", skiprows=1)
    out["em_fit_k2"] = times(a.reps, lambda: GaussianMixture(n_components=2, covariance_type="full", random_state=0).fit(F))
    out["bic_sweep"] = times(max(1, a.reps // 5), lambda: [GaussianMixture(n_components=k, covariance_type="full", n_init=10,
                                                                          random_state=0).fit(F) for k in range(1, 6)])
    out["svm_fit"] = times(a.reps, lambda: anchor.make_model("svm_rbf").fit(Xtr, ytr))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
