#!/usr/bin/env python3
"""Colour-blind safety of the figures' class palettes (Python standard library only).

Reads the light and dark class colours from Sources/Plotting/Palette.swift and the
themes' backgrounds and tint mix from Sources/Plotting/Theme.swift, simulates
protanopia, deuteranopia and tritanopia with the Machado, Oliveira & Fernandes
(2009) matrices at severity 1.0 (applied to linear RGB), and reports for each
palette and vision:

- the smallest CIEDE2000 difference between any two class colours (first 3 classes,
  the common case, and all 8);
- the smallest CIEDE2000 difference between two P(y|x) tints (first 3 classes);
- the smallest WCAG contrast ratio of a class colour against the background.

Usage: scripts/palette-check.py [--markdown]
"""
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MACHADO = {
    "normal": None,
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}


def hexes(text, name):
    block = re.search(r"static let %s: \[Color\] = \[(.*?)\]" % name, text, re.S).group(1)
    return [int(h, 16) for h in re.findall(r"0x([0-9A-Fa-f]{6})", block)]


def theme(text, name):
    block = re.search(r"static let %s = Theme\((.*?)\n\n|static let %s = Theme\((.*)" % (name, name), text, re.S)
    body = block.group(1) or block.group(2)
    bg = re.search(r"background: (?:Color\(hex: 0x([0-9A-Fa-f]{6})\)|\.white)", body)
    background = int(bg.group(1), 16) if bg.group(1) else 0xFFFFFF
    mix = float(re.search(r"tintMix: ([0-9.]+)", body).group(1))
    return background, mix


def rgb(h):
    return [((h >> 16) & 255) / 255, ((h >> 8) & 255) / 255, (h & 255) / 255]


def lin(v):
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4


def delin(v):
    v = min(max(v, 0.0), 1.0)
    return 12.92 * v if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055


def simulate(c, vision):
    m = MACHADO[vision]
    if m is None:
        return c
    l = [lin(v) for v in c]
    return [delin(sum(m[i][j] * l[j] for j in range(3))) for i in range(3)]


def mix(a, b, t):
    return [x + (y - x) * t for x, y in zip(a, b)]


def luminance(c):
    r, g, b = (lin(v) for v in c)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def lab(c):
    r, g, b = (lin(v) for v in c)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    f = lambda t: t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29
    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def de2000(c1, c2):
    L1, a1, b1 = lab(c1)
    L2, a2, b2 = lab(c2)
    C1, C2 = math.hypot(a1, b1), math.hypot(a2, b2)
    Cb = (C1 + C2) / 2
    G = 0.5 * (1 - math.sqrt(Cb ** 7 / (Cb ** 7 + 25 ** 7)))
    a1p, a2p = (1 + G) * a1, (1 + G) * a2
    C1p, C2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360
    h2p = math.degrees(math.atan2(b2, a2p)) % 360
    dLp, dCp = L2 - L1, C2p - C1p
    if C1p * C2p == 0:
        dhp = 0
    elif abs(h2p - h1p) <= 180:
        dhp = h2p - h1p
    elif h2p - h1p > 180:
        dhp = h2p - h1p - 360
    else:
        dhp = h2p - h1p + 360
    dHp = 2 * math.sqrt(C1p * C2p) * math.sin(math.radians(dhp / 2))
    Lbp, Cbp = (L1 + L2) / 2, (C1p + C2p) / 2
    if C1p * C2p == 0:
        hbp = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hbp = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        hbp = (h1p + h2p + 360) / 2
    else:
        hbp = (h1p + h2p - 360) / 2
    T = (1 - 0.17 * math.cos(math.radians(hbp - 30)) + 0.24 * math.cos(math.radians(2 * hbp))
         + 0.32 * math.cos(math.radians(3 * hbp + 6)) - 0.20 * math.cos(math.radians(4 * hbp - 63)))
    dtheta = 30 * math.exp(-(((hbp - 275) / 25) ** 2))
    Rc = 2 * math.sqrt(Cbp ** 7 / (Cbp ** 7 + 25 ** 7))
    Sl = 1 + 0.015 * (Lbp - 50) ** 2 / math.sqrt(20 + (Lbp - 50) ** 2)
    Sc, Sh = 1 + 0.045 * Cbp, 1 + 0.015 * Cbp * T
    Rt = -math.sin(math.radians(2 * dtheta)) * Rc
    return math.sqrt((dLp / Sl) ** 2 + (dCp / Sc) ** 2 + (dHp / Sh) ** 2 + Rt * (dCp / Sc) * (dHp / Sh))


def min_pair(colours):
    best = (float("inf"), None)
    for i in range(len(colours)):
        for j in range(i + 1, len(colours)):
            d = de2000(colours[i], colours[j])
            if d < best[0]:
                best = (d, (i, j))
    return best


def main():
    palette = (ROOT / "Sources/Plotting/Palette.swift").read_text()
    themes = (ROOT / "Sources/Plotting/Theme.swift").read_text()
    rows = []
    for name, list_name in (("light", "classes"), ("dark", "darkClasses")):
        classes = [rgb(h) for h in hexes(palette, list_name)]
        background, tint_mix = theme(themes, name)
        bg = rgb(background)
        tints = [mix(c, bg, tint_mix) for c in classes]
        for vision in MACHADO:
            sim = [simulate(c, vision) for c in classes]
            sim_tints = [simulate(c, vision) for c in tints]
            sbg = simulate(bg, vision)
            d3, p3 = min_pair(sim[:3])
            d8, p8 = min_pair(sim)
            dt, _ = min_pair(sim_tints[:3])
            worst = min(range(len(sim)), key=lambda k: contrast(sim[k], sbg))
            rows.append((name, "#%06X" % background, vision, d3, p3, d8, p8, dt, contrast(sim[worst], sbg), worst))
    markdown = "--markdown" in sys.argv
    head = ("palette", "background", "vision", "min ΔE00 (3 classes)", "min ΔE00 (8 classes)", "min ΔE00 tints (3)",
            "min contrast vs background")
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
    else:
        print("  ".join(head))
    for name, bg, vision, d3, p3, d8, p8, dt, c, worst in rows:
        cells = (name, bg, vision, "%.1f (classes %d, %d)" % (d3, *p3), "%.1f (classes %d, %d)" % (d8, *p8),
                 "%.1f" % dt, "%.2f:1 (class %d)" % (c, worst))
        print(("| " + " | ".join(cells) + " |") if markdown else "  ".join(cells))


if __name__ == "__main__":
    main()
