#!/usr/bin/env python3
"""Writes the scikit-learn reference fixtures the Swift tests compare against.

A developer tool, not a runtime dependency:
    pip install scikit-learn==1.9.1 numpy
    python3 tools/make_fixtures.py

The data are small and generated here with a fixed numpy seed, so the fixture
is self-contained: the Swift tests read X and y from the JSON and compare their
own fits with scikit-learn's numbers stored beside them.
"""
import json
import pathlib

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "ModelsTests" / "Fixtures"


def problem(seed, n_per_class, centres, scale):
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for k, c in enumerate(centres):
        xs.append(rng.normal(loc=c, scale=scale, size=(n_per_class, len(c))))
        ys += [k] * n_per_class
    return np.vstack(xs), np.array(ys)


def logistic_case(name, X, y, C):
    # Tight tolerances so the reference is the optimum itself, not an early stop.
    lr = LogisticRegression(C=C, tol=1e-12, max_iter=100000).fit(X, y)
    intercept = lr.intercept_.copy()
    if intercept.size > 1:
        intercept = intercept - intercept.mean()  # softmax is shift-invariant; compare centred
    probe = np.array([[0.0, 0.0], [1.0, -1.0], [-2.0, 0.5], [2.5, 2.5]])[:, : X.shape[1]]
    return {
        "name": name, "C": C, "X": X.tolist(), "y": y.tolist(),
        "coef": lr.coef_.tolist(), "intercept": intercept.tolist(),
        "probe": probe.tolist(), "probe_proba": lr.predict_proba(probe).tolist(),
        "train_proba": lr.predict_proba(X).tolist(),
    }


def gnb_case(name, X, y):
    nb = GaussianNB().fit(X, y)
    return {
        "name": name, "X": X.tolist(), "y": y.tolist(),
        "theta": nb.theta_.tolist(), "var": nb.var_.tolist(), "prior": nb.class_prior_.tolist(),
        "epsilon": float(nb.epsilon_), "proba": nb.predict_proba(X).tolist(),
    }


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    Xb, yb = problem(7, 20, [(-1.0, 0.5), (1.0, -0.5)], 1.2)
    X3, y3 = problem(11, 15, [(-2.0, 0.0), (1.5, 1.5), (1.0, -2.0)], 1.0)
    fixture = {
        "generator": f"tools/make_fixtures.py, scikit-learn {sklearn.__version__}, numpy {np.__version__}",
        "logistic": [
            logistic_case("binary_C1", Xb, yb, 1.0),
            logistic_case("binary_C0.1", Xb, yb, 0.1),
            logistic_case("multinomial_C1", X3, y3, 1.0),
        ],
        "gaussian_nb": [gnb_case("binary", Xb, yb), gnb_case("three_class", X3, y3)],
    }
    path = OUT / "sklearn_reference.json"
    path.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
