#!/usr/bin/env python3
"""Writes the scikit-learn reference fixtures the Swift tests compare against.

A developer tool, not a runtime dependency:
    pip install scikit-learn==1.9.1 numpy
    python3 tools/make_fixtures.py            # all fixture modules
    python3 tools/make_fixtures.py svm gmm    # only these

1. Runs `lenses export-splits` so scikit-learn sees exactly the train/test rows
   that lenses uses for every dataset (same seed, same stratified split).
2. Runs `make(splits_dir)` of every module in tools/fixtures/; each writes its
   JSON under Tests/<Target>/Fixtures/.
"""
import importlib
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))


def export_splits(folder):
    subprocess.run(["swift", "build", "--product", "lenses"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    binary = ROOT / ".build" / "debug" / "lenses"
    subprocess.run([str(binary), "export-splits", "--project", str(ROOT), "--out", str(folder)],
                   check=True, stdout=subprocess.DEVNULL)


def main(names):
    modules = sorted(p.stem for p in (ROOT / "tools" / "fixtures").glob("*.py") if not p.stem.startswith("_"))
    if names:
        unknown = [n for n in names if n not in modules]
        if unknown:
            sys.exit(f"unknown fixture module(s) {unknown}; known: {modules}")
        modules = names
    with tempfile.TemporaryDirectory() as tmp:
        export_splits(tmp)
        for name in modules:
            print(f"== {name}")
            importlib.import_module(f"fixtures.{name}").make(pathlib.Path(tmp))


if __name__ == "__main__":
    main(sys.argv[1:])
