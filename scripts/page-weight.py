#!/usr/bin/env python3
"""What each page of a built site makes a browser download (Python standard library only).

    scripts/page-weight.py SITE_DIR [--markdown]

For every page: the HTML, its stylesheets and scripts (KaTeX's fonts counted whole when the
page has math) and every figure, as a 1x screen, a 2x screen, and a dark-mode 2x screen
fetch them (<img srcset> and <source media="... dark"> as the pages write them; a file
shown twice counts once). Budgets
(issue 17): 1x at most 1.5 MB, 2x at most 4 MB.
"""
import pathlib
import re
import sys


def main():
    site = pathlib.Path(sys.argv[1])
    markdown = "--markdown" in sys.argv
    size = lambda p: (site / p).stat().st_size if (site / p).is_file() else 0
    rows = []
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
        rows.append((page.name, len(imgs), one, two, dark))
    head = ("page", "figures", "1x MB", "2x MB", "dark 2x MB")
    print(("| " + " | ".join(head) + " |\n|" + "---|" * len(head)) if markdown else "  ".join(head))
    for name, n, one, two, dark in rows:
        cells = (name, str(n), f"{one / 1e6:.2f}", f"{two / 1e6:.2f}", f"{dark / 1e6:.2f}")
        print(("| " + " | ".join(cells) + " |") if markdown else "  ".join(cells))
    worst = lambda i: max(rows, key=lambda r: r[i])
    print(f"largest: 1x {worst(2)[2] / 1e6:.2f} MB ({worst(2)[0]}), 2x {worst(3)[3] / 1e6:.2f} MB ({worst(3)[0]}), "
          f"dark 2x {worst(4)[4] / 1e6:.2f} MB ({worst(4)[0]})")
    over = [r[0] for r in rows if r[2] > 1_500_000 or r[3] > 4_000_000 or r[4] > 4_000_000]
    print("over budget: " + (", ".join(over) if over else "none"))
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
