"""Probes (`@probe`): drives each one in headless Chromium, called from check_site.py.

For every probe listed in metrics.json `explorables`:
  - real pointer moves to each sample point (data coordinates → pixels through the plot area
    the widget's data file gives) show exactly the readout metrics.json lists;
  - real key presses (Home, then arrows) reach the first sample's cell and show its readout,
    the map shows a visible focus outline, and the view goes into the URL hash;
  - the page opened with that hash shows the same readout without any pointer;
  - no console errors;
  - with scripts disabled the page still shows the still figure;
and screenshots mid-use (light at 2x, dark at 2x) go to SHOTS/explore-probe-*.png.
"""
import json
import pathlib
import time

from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait


def payload(site, entry):
    """The widget's data, read from its data file as the page loads it."""
    text = (site / f"explore/{entry['id']}.js").read_text(encoding="utf-8")
    prefix = f'LensesExplore.data("{entry["id"]}", '
    assert text.startswith(prefix) and text.rstrip().endswith(");"), "unexpected data file shape"
    return json.loads(text[len(prefix):text.rstrip().rindex(")")].replace("<\\/", "</"))


def cell_of(data, x):
    (x0, x1, y0, y1), n = data["range"], data["n"]
    return int((x[0] - x0) / (x1 - x0) * n), int((x[1] - y0) / (y1 - y0) * n)


def start(driver, base, entry, fragment=""):
    driver.get("about:blank")  # a new fragment alone would not reload the page
    driver.get(f"{base}/{entry['page']}{fragment}")
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")
    driver.execute_script("window.LensesExplore && LensesExplore.loadAll()")
    css = f'figure[data-explore-id="{entry["id"]}"]'
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script(f"return document.querySelector('{css}').classList.contains('explore-ready')"))
    figure = driver.find_element(By.CSS_SELECTOR, css)
    settle(driver, figure.find_element(By.CSS_SELECTOR, "picture img"))
    return figure


def settle(driver, element):
    """Scrolls the element to the middle of the view and waits until it stays put (math typeset,
    fonts and images above it can move it): pointer offsets are taken from its in-view centre."""
    last = None
    for _ in range(50):
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        time.sleep(0.1)
        top = driver.execute_script("return arguments[0].getBoundingClientRect().top", element)
        if top == last:
            return
        last = top


def axe_clean(driver, name, check):
    """axe-core on the page with the widget started: no serious or critical violations."""
    from axe_selenium_python import Axe
    axe = Axe(driver)
    axe.inject()
    bad = [v for v in axe.run()["violations"] if v.get("impact") in ("serious", "critical")]
    check(f"{name}: started, no serious or critical axe violations", not bad,
          "; ".join(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}" for v in bad)[:500])


def readout(figure, keys):
    return {k: figure.find_element(By.CSS_SELECTOR, f'[data-key="{k}"]').text for k in keys}


def point_at(driver, figure, data, x):
    """Moves the real pointer to data point x on the map."""
    img = figure.find_element(By.CSS_SELECTOR, "picture img")
    settle(driver, img)
    (x0, x1, y0, y1), plot, size = data["range"], data["plot"], data["size"]
    fx = plot[0] + (x[0] - x0) / (x1 - x0) * plot[2]
    fy = plot[1] + (1 - (x[1] - y0) / (y1 - y0)) * plot[3]
    w, h = img.size["width"], img.size["height"]
    # Selenium 4 offsets are from the element's centre.
    ActionChains(driver).move_to_element_with_offset(img, fx * w / size[0] - w / 2, fy * h / size[1] - h / 2).perform()
    time.sleep(0.05)


def diff(want, got):
    return "; ".join(f"{k}: want {want[k]!r}, got {got.get(k)!r}" for k in want if want[k] != got.get(k))[:400]


def run(base, site, shots, browser, check):
    metrics = json.loads((site / "metrics.json").read_text(encoding="utf-8"))
    probes = [e for e in metrics.get("explorables", []) if e["kind"] == "probe"]
    check(f"probe: metrics.json lists probes ({len(probes)})", bool(probes))
    # Every map is a probe (dozens on the gallery): each one is pointed at its samples, page by page
    # (every_map); the @probe widgets and one map in a pair also get the whole drive below.
    maps = [e for e in probes if "--map" in e["id"]]
    paired = [e for e in maps if e["id"].endswith("--pair")][:1]
    full = [e for e in probes if e not in maps] + paired
    every_map(base, site, maps, browser, check)
    driver = browser(1280)
    try:
        for entry in full:
            name = f"probe {entry['id']} on {entry['page']}"
            data = payload(site, entry)
            check(f"{name}: {data['n']}x{data['n']} cells as metrics.json says", data["n"] ** 2 == entry["cells"])
            figure = start(driver, base, entry)
            axe_clean(driver, name, check)
            for s in entry["samples"]:
                point_at(driver, figure, data, s["x"])
                got = readout(figure, s["readout"])
                check(f"{name}: pointer at ({s['x'][0]:.3f}, {s['x'][1]:.3f}) reads as metrics.json says",
                      got == s["readout"], diff(s["readout"], got))
            # Keys: from the centre (Home) to the first sample's cell.
            first = entry["samples"][0]
            i, j = cell_of(data, first["x"])
            c = data["n"] // 2
            ActionChains(driver).move_by_offset(0, 0).perform()
            picture = figure.find_element(By.CSS_SELECTOR, "picture")
            driver.execute_script("arguments[0].focus()", picture)
            keys = [Keys.HOME] + [Keys.ARROW_RIGHT if i > c else Keys.ARROW_LEFT] * abs(i - c) \
                + [Keys.ARROW_UP if j > c else Keys.ARROW_DOWN] * abs(j - c)
            ActionChains(driver).send_keys(*keys).perform()
            got = readout(figure, first["readout"])
            check(f"{name}: keys (Home, {abs(i - c)} across, {abs(j - c)} up/down) read as metrics.json says",
                  got == first["readout"], diff(first["readout"], got))
            outline = driver.execute_script(
                "const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth, document.activeElement === arguments[0]]",
                picture)
            check(f"{name}: the focused map shows a focus outline ({outline[0]} {outline[1]})",
                  outline[2] and outline[0] != "none" and outline[1] != "0px", str(outline))
            fragment = driver.execute_script("return location.hash")
            check(f"{name}: the view is in the URL ({fragment})", f"{entry['id']}={i}-{j}" in fragment)
            # Mid-use screenshots: light and dark at device scale 2, pointer on a sample.
            for scheme in ["light", "dark"]:
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                       {"width": 1280, "height": 1600, "deviceScaleFactor": 2, "mobile": False})
                driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                       {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
                figure = start(driver, base, entry)
                point_at(driver, figure, data, entry["samples"][1]["x"])
                WebDriverWait(driver, 10).until(lambda d: d.execute_script(
                    "return Array.from(arguments[0].querySelectorAll('img')).every(i => i.complete)", figure))
                out = shots / f"explore-probe-{entry['id']}-{scheme}@2x.png"
                figure.screenshot(str(out))
                check(f"{name}: screenshot mid-use in {scheme} mode ({out.name})", out.stat().st_size > 0)
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
            driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            # A shared view opens as shared.
            figure = start(driver, base, entry, f"#{entry['id']}={i}-{j}")
            got = readout(figure, first["readout"])
            check(f"{name}: opened with #{entry['id']}={i}-{j} it reads the same", got == first["readout"],
                  diff(first["readout"], got))
            errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            check(f"{name}: no console errors", not errors, "; ".join(errors)[:300])
    finally:
        driver.quit()
    phone_fits(base, full, browser, check)
    scripts_off(base, full + maps[:3], check)


def every_map(base, site, maps, browser, check):
    """Each map's probe, pointed at its samples with the real pointer, page by page; in a pair the
    other panel moves with it and reads its own model at the same point."""
    driver = browser(1280)
    try:
        by_page = {}
        for e in maps:
            by_page.setdefault(e["page"], []).append(e)
        for page, entries in sorted(by_page.items()):
            driver.get("about:blank")
            driver.get(f"{base}/{page}")
            WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")
            driver.execute_script("LensesExplore.loadAll()")
            WebDriverWait(driver, 30).until(lambda d: d.execute_script(
                "return Array.from(document.querySelectorAll('figure[data-explorable=probe]')).every(f => f.classList.contains('explore-ready'))"))
            samples = {e["id"]: e["samples"] for e in entries}
            repeated = driver.execute_script(
                "return Array.from(document.querySelectorAll('figure[data-explorable]'))"
                ".filter(f => f.querySelectorAll('.explore-panel').length > 1 || f.querySelectorAll('.explore-hint').length > 1).length")
            check(f"probe: on {page} every widget has one panel and one hint", repeated == 0, f"{repeated} figures with repeats")
            wrong, pairs_wrong, pointed = [], [], 0
            # A model in two gallery pairs shows the same map twice: every copy is driven, each
            # against the other panel of its own pair.
            figures = [f for f in driver.find_elements(By.CSS_SELECTOR, "figure[data-explorable=probe]")
                       if f.get_attribute("data-explore-id") in samples]
            by_id = {e["id"]: e for e in entries}
            for figure in figures:
                e = by_id[figure.get_attribute("data-explore-id")]
                data = payload(site, e)
                o = driver.execute_script(
                    "const p = arguments[0].closest('.pair'); if (!p) return null;"
                    "return Array.from(p.querySelectorAll('figure[data-explorable=probe]')).find(f => f !== arguments[0]) || null", figure)
                other = o.get_attribute("data-explore-id") if o is not None else None
                for k, s in enumerate(e["samples"]):
                    point_at(driver, figure, data, s["x"])
                    pointed += 1
                    got = readout(figure, s["readout"])
                    if got != s["readout"]:
                        wrong.append(f"{e['id']} sample {k}: {diff(s['readout'], got)}")
                    if other in samples:
                        want = samples[other][k]["readout"]
                        got = readout(o, want)
                        if got != want:
                            pairs_wrong.append(f"{e['id']} → {other} sample {k}: {diff(want, got)}")
            check(f"probe: every map on {page} ({len(figures)} shown, {len(entries)} distinct) reads as metrics.json says at its samples ({pointed} pointer moves)",
                  not wrong, "; ".join(wrong)[:500])
            check(f"probe: on {page} the other panel of each pair moves with the pointer and reads its own model there",
                  not pairs_wrong, "; ".join(pairs_wrong)[:500])
            errors = [m["message"] for m in driver.get_log("browser") if m["level"] == "SEVERE"]
            check(f"probe: {page} with every map started: no console errors", not errors, "; ".join(errors)[:300])
    finally:
        driver.quit()


def phone_fits(base, entries, browser, check):
    """On a 390 px phone, a started widget does not widen the page."""
    driver = browser(1280)
    try:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
        for entry in entries:
            start(driver, base, entry)
            width = driver.execute_script("return document.documentElement.scrollWidth")
            check(f"{entry['kind']} {entry['id']}: started on a 390 px phone, the page stays 390 px wide ({width})", width <= 390)
    finally:
        driver.quit()


def scripts_off(base, entries, check):
    """With JavaScript disabled the page shows the still figure, and no controls."""
    options = webdriver.ChromeOptions()
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
                "--blink-settings=scriptEnabled=false", "--disable-background-networking", "--disable-extensions"]:
        options.add_argument(arg)
    for binary in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if pathlib.Path(binary).exists():
            options.binary_location = binary
            break
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver"))
    try:
        for entry in entries:
            driver.get(f"{base}/{entry['page']}")
            figure = driver.find_element(By.CSS_SELECTOR, f'figure[data-explore-id="{entry["id"]}"]')
            img = figure.find_element(By.CSS_SELECTOR, "picture img")
            driver.execute_script("arguments[0].loading = 'eager'; arguments[0].scrollIntoView()", img)
            WebDriverWait(driver, 10).until(lambda d: d.execute_script("return arguments[0].complete", img))
            shown = driver.execute_script("return [arguments[0].getAttribute('src'), arguments[0].naturalWidth]", img)
            panels = figure.find_elements(By.CSS_SELECTOR, ".explore-panel")
            check(f"{entry['kind']} {entry['id']}: with scripts off the still figure shows ({shown[0]}), no controls",
                  shown[0] == entry["figure"] and shown[1] > 0 and not panels, str(shown))
    finally:
        driver.quit()
