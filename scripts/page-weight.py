#!/usr/bin/env python3
"""What each page of a built site makes a browser download (Python standard library only).

    scripts/page-weight.py SITE_DIR [--markdown]

For every page: the HTML, its stylesheets and scripts (KaTeX's fonts counted whole when the
page has math) and every figure, as a 1x screen, a 2x screen, and a dark-mode 2x screen
fetch them (<img srcset> and <source media="... dark"> as the pages write them; a file
shown twice counts once). Budgets
(issue 17): 1x at most 1.5 MB, 2x at most 4 MB.

"explored" adds what a reader who uses every interactive figure on the page to the end fetches
on top (metrics.json `explorables`: each widget's data script and every frame of its sliders, as
a 1x or a 2x screen in light mode fetches them). Budget (issue 15): explored 1x at most 2.5 MB;
the explored 2x total is reported beside it.
"""
import json
import pathlib
import re
import sys


def main():
    site = pathlib.Path(sys.argv[1])
    markdown = "--markdown" in sys.argv
    size = lambda p: (site / p).stat().st_size if (site / p).is_file() else 0
    rows = []
    metrics = json.loads((site / "metrics.json").read_text(encoding="utf-8")) if (site / "metrics.json").is_file() else {}
    widgets = {}
    for e in metrics.get("explorables", []):
        widgets.setdefault(e["page"], {})[e["id"]] = e["data_files"]

    def explored(page, scale):
        files = set()
        for data_files in widgets.get(page, {}).values():
            for f in data_files:
                if f.endswith(".js") or "-dark" not in f and (f.endswith("@2x.png") if scale == 2 else not f.endswith("@2x.png")):
                    files.add(f)
        return sum(size(f) for f in files)

    for page in sorted(site.glob("*.html")):
        html = page.read_text(encoding="utf-8")
        base = page.stat().st_size
        base += sum(size(h) for h in re.findall(r'<link rel="stylesheet" href="([^"]+)"', html))
        base += sum(size(h) for h in re.findall(r'<script[^>]* src="([^"]+)"', html))
        if "katex" in html:
            base += sum(f.stat().st_size for f in (site / "assets/katex/fonts").glob("*.woff2"))
        imgs = re.findall(r'<img src="([^"]+)"(?: srcset="[^"]*?([^" ,]+) 2x")?', html)
        darks = re.findall(r'<source media="[^"]*dark\)" srcset="[^" ]+ 1x(?:, ([^" ]+) 2x)?', html)
        # A figure shown twice on a page is downloaded once.
        one = base + sum(size(f) for f in {src for src, _ in imgs})
        two = base + sum(size(f) for f in {two or src for src, two in imgs})
        dark = base + sum(size(f) for f in set(darks) | {two or src for src, two in imgs[len(darks):]})
        rows.append((page.name, len(imgs), one, two, dark, one + explored(page.name, 1), two + explored(page.name, 2)))
    head = ("page", "figures", "1x MB", "2x MB", "dark 2x MB", "explored 1x MB", "explored 2x MB")
    print(("| " + " | ".join(head) + " |\n|" + "---|" * len(head)) if markdown else "  ".join(head))
    for name, n, one, two, dark, ex1, ex2 in rows:
        cells = (name, str(n), f"{one / 1e6:.2f}", f"{two / 1e6:.2f}", f"{dark / 1e6:.2f}", f"{ex1 / 1e6:.2f}", f"{ex2 / 1e6:.2f}")
        print(("| " + " | ".join(cells) + " |") if markdown else "  ".join(cells))
    worst = lambda i: max(rows, key=lambda r: r[i])
    print(f"largest: 1x {worst(2)[2] / 1e6:.2f} MB ({worst(2)[0]}), 2x {worst(3)[3] / 1e6:.2f} MB ({worst(3)[0]}), "
          f"dark 2x {worst(4)[4] / 1e6:.2f} MB ({worst(4)[0]}), explored 1x {worst(5)[5] / 1e6:.2f} MB ({worst(5)[0]}), "
          f"explored 2x {worst(6)[6] / 1e6:.2f} MB ({worst(6)[0]})")
    over = [r[0] for r in rows if r[2] > 1_500_000 or r[3] > 4_000_000 or r[4] > 4_000_000 or r[5] > 2_500_000]
    print("over budget: " + (", ".join(over) if over else "none"))
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
