"""The anchor: what a course author would write instead of TwoLenses.

A plain scikit-learn + matplotlib (Agg) script that trains the same models on the
same train/test rows and saves the same figures as the gallery-equivalent
`lenses build` of bench/run:

  * for each of the six 2-D gallery datasets (exact splits from `lenses export-splits`):
      - the 8 distinct models of lenses.yml's gallery pairs, each a P(y|x) map on a
        200×200 grid with the decision boundary, train dots and test rings, 800×600 PNG;
      - for the 4 generative models, a density figure: 50/80/95 % highest-density
        contours of p(x|y) per class (thresholds from 4000 seeded draws per class, as
        lenses does) over the faded data, and 200 samples from the model;
  * Old Faithful: GaussianMixture for k = 1..5 (full covariance, n_init = 10), a
    BIC/AIC chart, and the BIC-chosen mixture's density contours + 200 samples.

That is 6 × (8 + 4) + 2 = 74 PNGs. Stage times (import, train, grid evaluation,
render+save) are written as JSON to --times.

With --variants it writes every figure as lenses does: at 1× and 2× (`@2x.png`, dpi 200),
light and dark (`-dark.png`, `-dark@2x.png`, drawn again under matplotlib's
`dark_background` style) — 296 PNGs, the same files and pixel counts as lenses' four.

Usage: anchor.py --splits DIR --data DIR --out DIR [--times FILE] [--variants]
"""
import time

T0 = time.perf_counter()
import argparse  # noqa: E402
import json  # noqa: E402
import pathlib  # noqa: E402

import warnings  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy.stats import multivariate_normal  # noqa: E402
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis, QuadraticDiscriminantAnalysis  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, log_loss  # noqa: E402
from sklearn.mixture import GaussianMixture  # noqa: E402
from sklearn.naive_bayes import GaussianNB  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - T0
warnings.filterwarnings("ignore", category=FutureWarning)

DATASETS = ["two_moons", "circles", "blobs", "xor", "iris", "spam7"]
# lenses.yml's gallery pairs: [logistic_regression, gaussian_nb], [logistic_regression, lda],
# [mlp, qda], [svm_rbf, gmm_classifier], [random_forest, gmm_classifier] → 8 distinct models.
MAP_MODELS = ["gaussian_nb", "gmm_classifier", "lda", "logistic_regression", "mlp", "qda",
              "random_forest", "svm_rbf"]
GENERATIVE = ["gaussian_nb", "gmm_classifier", "lda", "qda"]
GRID, SAMPLES, CONTOUR_DRAWS, MASSES = 200, 200, 4000, [0.5, 0.8, 0.95]
CLASS_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


class GMMClassifier:
    """One GaussianMixture per class + Bayes' rule (scikit-learn has no such estimator)."""

    def __init__(self, n_components=3, seed=0):
        self.n_components, self.seed = n_components, seed

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.mixtures = [GaussianMixture(n_components=min(self.n_components, int((y == c).sum())),
                                         covariance_type="full", reg_covar=1e-6, random_state=self.seed).fit(X[y == c])
                         for c in self.classes_]
        self.log_priors = np.log(np.array([(y == c).mean() for c in self.classes_]))
        return self

    def class_log_density(self, X):
        return np.column_stack([m.score_samples(X) for m in self.mixtures])

    def predict_proba(self, X):
        j = self.class_log_density(X) + self.log_priors
        j -= j.max(axis=1, keepdims=True)
        p = np.exp(j)
        return p / p.sum(axis=1, keepdims=True)

    def sample_class(self, k, n, rng):
        m = self.mixtures[k]
        m.random_state = int(rng.integers(2**31))
        return m.sample(n)[0]


def make_model(kind):
    return {
        "logistic_regression": lambda: LogisticRegression(C=1.0),
        "svm_rbf": lambda: SVC(C=1.0, gamma="scale", probability=True, random_state=0),
        "random_forest": lambda: RandomForestClassifier(n_estimators=100, random_state=0),
        "mlp": lambda: make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(32, 32), max_iter=500,
                                                                     random_state=0)),
        "gaussian_nb": lambda: GaussianNB(var_smoothing=1e-9),
        "lda": lambda: LinearDiscriminantAnalysis(store_covariance=True),
        "qda": lambda: QuadraticDiscriminantAnalysis(reg_param=0.0, store_covariance=True),
        "gmm_classifier": lambda: GMMClassifier(n_components=3, seed=0),
    }[kind]()


def class_log_density(kind, m, X):
    """log p(x | y = k) for every class, as columns."""
    K = len(m.classes_)
    if kind == "gaussian_nb":
        return np.column_stack([multivariate_normal.logpdf(X, m.theta_[k], np.diag(m.var_[k])) for k in range(K)])
    if kind == "lda":
        return np.column_stack([multivariate_normal.logpdf(X, m.means_[k], m.covariance_) for k in range(K)])
    if kind == "qda":
        return np.column_stack([multivariate_normal.logpdf(X, m.means_[k], m.covariance_[k]) for k in range(K)])
    return m.class_log_density(X)


def sample_class(kind, m, k, n, rng):
    if kind == "gaussian_nb":
        return rng.normal(m.theta_[k], np.sqrt(m.var_[k]), size=(n, 2))
    if kind == "lda":
        return rng.multivariate_normal(m.means_[k], m.covariance_, size=n)
    if kind == "qda":
        return rng.multivariate_normal(m.means_[k], m.covariance_[k], size=n)
    return m.sample_class(k, n, rng)


def padded(v):
    lo, hi = v.min(), v.max()
    span = hi - lo if hi > lo else 1.0
    return lo - 0.08 * span, hi + 0.08 * span


def grid_points(X):
    (x0, x1), (y0, y1) = padded(X[:, 0]), padded(X[:, 1])
    # Cell centres, as lenses' Grid: x_i = x0 + (i + ½)(x1 − x0)/GRID.
    gx, gy = x0 + (np.arange(GRID) + 0.5) * (x1 - x0) / GRID, y0 + (np.arange(GRID) + 0.5) * (y1 - y0) / GRID
    xx, yy = np.meshgrid(gx, gy)
    return (x0, x1, y0, y1), gx, gy, np.column_stack([xx.ravel(), yy.ravel()])


def new_figure(title, subtitle):
    fig = plt.figure(figsize=(8, 6), dpi=100)
    ax = fig.add_axes([70 / 800, 58 / 600, 524 / 800, 478 / 600])
    fig.text(30 / 800, 1 - 28 / 600, title, fontsize=13, fontweight="bold")
    fig.text(30 / 800, 1 - 48 / 600, subtitle, fontsize=9.5, color="#5A5A5A")
    return fig, ax


VARIANTS = False  # --variants: @2x files too (and -dark ones, drawn by clock())


def save(fig, path):
    fig.savefig(path, dpi=100)
    if VARIANTS:
        fig.savefig(path.with_name(path.stem + "@2x.png"), dpi=200)
    plt.close(fig)


def map_figure(path, title, subtitle, names, ext, proba, gx, gy, Xtr, ytr, Xte, yte):
    fig, ax = new_figure(title, subtitle)
    K = proba.shape[1]
    tints = np.array([matplotlib.colors.to_rgb(CLASS_COLORS[k]) for k in range(K)]) * 0.45 + 0.55
    rgb = (proba @ tints).reshape(GRID, GRID, 3)
    ax.imshow(rgb, origin="lower", extent=ext, aspect="auto", interpolation="bilinear")
    P = proba.reshape(GRID, GRID, K)
    if K == 2:
        ax.contour(gx, gy, P[:, :, 1], levels=[0.5], colors="#222222", linewidths=2.2)
    else:
        for k in range(K):
            margin = P[:, :, k] - np.max(np.delete(P, k, axis=2), axis=2)
            ax.contour(gx, gy, margin, levels=[0.0], colors="#222222", linewidths=2.2)
    for k, name in enumerate(names):
        c = CLASS_COLORS[k]
        ax.scatter(Xtr[ytr == k, 0], Xtr[ytr == k, 1], s=24, c=c, edgecolors="k", linewidths=0.5, label=f"{name} (train)")
        ax.scatter(Xte[yte == k, 0], Xte[yte == k, 1], s=26, facecolors="white", edgecolors=c, linewidths=1.4,
                   label=f"{name} (test)")
    ax.set_xlim(ext[0], ext[1]); ax.set_ylim(ext[2], ext[3])
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize=9, frameon=False)
    save(fig, path)


def density_figure(path, title, subtitle, names, ext, gx, gy, logdens, thresholds, X, y, samples, sample_labels):
    fig, ax = new_figure(title, subtitle)
    for k in range(logdens.shape[1]):
        c = CLASS_COLORS[k % len(CLASS_COLORS)] if k >= 0 else "#B3261E"
        levels = sorted(thresholds[k])
        ax.contour(gx, gy, logdens[:, k].reshape(GRID, GRID), levels=levels, colors=[c],
                   linewidths=[1.1, 1.6, 2.4], linestyles=["dashed", "solid", "solid"])
    labels = np.zeros(len(X), dtype=int) if y is None else y
    for k in np.unique(labels):
        ax.scatter(X[labels == k, 0], X[labels == k, 1], s=22, c=CLASS_COLORS[k], alpha=0.35,
                   label=names[k] if names else "observations")
    for k in np.unique(sample_labels):
        ax.scatter(samples[sample_labels == k, 0], samples[sample_labels == k, 1], marker="x", s=30,
                   c=CLASS_COLORS[k], label=f"samples ({names[k]})" if names else "samples")
    ax.set_xlim(ext[0], ext[1]); ax.set_ylim(ext[2], ext[3])
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize=9, frameon=False)
    save(fig, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--splits", required=True, type=pathlib.Path)
    ap.add_argument("--data", required=True, type=pathlib.Path)
    ap.add_argument("--out", required=True, type=pathlib.Path)
    ap.add_argument("--times", type=pathlib.Path)
    ap.add_argument("--variants", action="store_true",
                    help="also write @2x, -dark and -dark@2x files of every figure, as lenses does")
    a = ap.parse_args()
    global VARIANTS
    VARIANTS = a.variants
    a.out.mkdir(parents=True, exist_ok=True)
    t = {"import": IMPORT_SECONDS, "train": 0.0, "grid": 0.0, "render": 0.0}
    written = []

    def clock(stage, f, *args):
        s = time.perf_counter()
        r = f(*args)
        if stage == "render" and VARIANTS:  # the dark variants: the same figure under a dark style
            with plt.style.context("dark_background"):
                f(args[0].with_name(args[0].stem + "-dark.png"), *args[1:])
        t[stage] += time.perf_counter() - s
        return r

    for ds in DATASETS:
        d = json.loads((a.splits / f"{ds}.json").read_text())
        Xtr, ytr = np.array(d["X_train"]), np.array(d["y_train"])
        Xte, yte = np.array(d["X_test"]), np.array(d["y_test"])
        names, feats = d["class_names"], d["feature_names"]
        X, y = np.vstack([Xtr, Xte]), np.concatenate([ytr, yte])
        ext, gx, gy, G = grid_points(X)
        for kind in MAP_MODELS:
            m = clock("train", lambda: make_model(kind).fit(Xtr, ytr))
            proba = clock("grid", m.predict_proba, G)
            pte = m.predict_proba(Xte)
            acc, loss = accuracy_score(yte, pte.argmax(1)), log_loss(yte, pte, labels=list(range(len(names))))
            sub = f"{ds} · {feats[0]} × {feats[1]} · test accuracy {acc:.2f} · log loss {loss:.3f}"
            path = a.out / f"{ds}--{kind}--map.png"
            clock("render", map_figure, path, f"{kind}: P(y|x)", sub, names, ext, proba, gx, gy, Xtr, ytr, Xte, yte)
            written.append(path.name)
            if kind in GENERATIVE:
                def evaluate():
                    rng = np.random.default_rng(42)
                    logd = class_log_density(kind, m, G)
                    thresholds = []
                    for k in range(len(names)):
                        draws = sample_class(kind, m, k, CONTOUR_DRAWS, rng)
                        lp = class_log_density(kind, m, draws)[:, k]
                        thresholds.append([np.quantile(lp, 1 - q) for q in MASSES])
                    counts = rng.multinomial(SAMPLES, np.bincount(ytr, minlength=len(names)) / len(ytr))
                    S = np.vstack([sample_class(kind, m, k, c, rng) for k, c in enumerate(counts) if c > 0])
                    L = np.concatenate([np.full(c, k) for k, c in enumerate(counts) if c > 0])
                    return logd, thresholds, S, L
                logd, thresholds, S, L = clock("grid", evaluate)
                path = a.out / f"{ds}--{kind}--density.png"
                clock("render", density_figure, path, f"{kind}: p(x|y) and samples",
                      f"{ds} · contours enclose 50 / 80 / 95 % of each class · × = {SAMPLES} samples",
                      names, ext, gx, gy, logd, thresholds, X, y, S, L)
                written.append(path.name)

    # Old Faithful: the BIC sweep and the chosen mixture.
    F = np.loadtxt(a.data / "faithful.csv", delimiter=",", skiprows=1)
    fits = clock("train", lambda: [GaussianMixture(n_components=k, covariance_type="full", n_init=10,
                                                   random_state=0).fit(F) for k in range(1, 6)])
    bic, aic = [m.bic(F) for m in fits], [m.aic(F) for m in fits]
    best = int(np.argmin(bic))
    chosen = fits[best]
    ext, gx, gy, G = grid_points(F)

    def evaluate_mixture():
        logd = chosen.score_samples(G)[:, None]
        chosen.random_state = 1
        draws = chosen.sample(CONTOUR_DRAWS)[0]
        thresholds = [[np.quantile(chosen.score_samples(draws), 1 - q) for q in MASSES]]
        chosen.random_state = 2
        return logd, thresholds, chosen.sample(SAMPLES)[0]
    logd, thresholds, S = clock("grid", evaluate_mixture)

    def criteria_figure(path):
        fig, ax = new_figure("How many clusters? BIC and AIC against k",
                             "Old Faithful · Gaussian mixtures (full covariance, best of 10 starts) · lower is better")
        ks = list(range(1, 6))
        ax.plot(ks, bic, "-o", color="#0072B2", label="BIC")
        ax.plot(ks, aic, "--o", color="#D55E00", label="AIC")
        ax.axvline(best + 1, color="#5A5A5A", linestyle=":")
        ax.annotate(f"BIC picks k = {best + 1}", (best + 1, max(bic)), xytext=(5, 0), textcoords="offset points")
        ax.set_xticks(ks); ax.set_xlabel("number of components k"); ax.set_ylabel("information criterion")
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False)
        save(fig, path)
    path = a.out / "mixture--faithful--criteria.png"
    clock("render", criteria_figure, path)
    written.append(path.name)
    path = a.out / "mixture--faithful--density.png"
    clock("render", density_figure, path, f"Gaussian mixture, k = {best + 1}: p(x) and samples",
          "Old Faithful eruptions · contours enclose 50 / 80 / 95 % of p(x) · × = 200 samples",
          None, ext, gx, gy, logd, thresholds, F, None, S, np.zeros(len(S), dtype=int))
    written.append(path.name)

    t["total"] = time.perf_counter() - T0
    t["figures"] = sorted(written)
    if a.times:
        a.times.write_text(json.dumps(t, indent=1) + "\n")
    print(json.dumps({k: v for k, v in t.items() if k != "figures"}), f"{len(written)} figures")


if __name__ == "__main__":
    main()
