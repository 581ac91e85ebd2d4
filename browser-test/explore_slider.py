"""Sliders over build-time frames (regulariser, training size): the shared drive, used by
explore_regulariser.py and explore_training_size.py.

For every widget of the kind listed in metrics.json `explorables`:
  - real key presses step the slider end to end (Home, then ArrowRight); at every step each
    readout element shows exactly what metrics.json's sample for that frame lists, every image
    of the widget shows that frame's file (loaded), and the frames differ from step to step;
  - a real pointer click at the left end of the track brings it to the first frame;
  - the view goes into the URL hash, and a page opened with it starts there;
  - no console errors; with scripts disabled the still figure shows;
and screenshots mid-use (light and dark, device scale 2) go to SHOTS/explore-KIND-*.png.
"""
import json
import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

import explore_probe


def images(driver, figure):
    """The 1x file each image of the widget shows (its pair partner's too), once loaded."""
    return driver.execute_script("""
        const f = arguments[0], pair = f.closest('.pair');
        const figs = pair ? Array.from(pair.querySelectorAll(':scope > figure')) : [f];
        return figs.map(g => { const i = g.querySelector('picture img');
                               return [i.getAttribute('src'), i.complete && i.naturalWidth > 0]; });""", figure)


def frame_srcs(data, i):
    frames = data["frames"][i]
    return [f["src"] for f in (frames if isinstance(frames, list) else [frames])]


def wait_images(driver, figure, want):
    try:
        WebDriverWait(driver, 10).until(lambda d: [s for s, ok in images(d, figure) if ok] == want)
    except Exception:  # noqa: BLE001 — reported by the caller's check
        pass
    return images(driver, figure)


def run(kind, base, site, shots, browser, check):
    metrics = json.loads((site / "metrics.json").read_text(encoding="utf-8"))
    entries = [e for e in metrics.get("explorables", []) if e["kind"] == kind]
    check(f"{kind}: metrics.json lists widgets ({len(entries)})", bool(entries))
    driver = browser(1280)
    try:
        for entry in entries:
            name = f"{kind} {entry['id']} on {entry['page']}"
            data = explore_probe.payload(site, entry)
            samples = entry["samples"]
            check(f"{name}: {entry['frames']} frames, one sample each", len(samples) == entry["frames"] == len(data["frames"]))
            figure = explore_probe.start(driver, base, entry)
            explore_probe.axe_clean(driver, name, check)
            slider = figure.find_element(By.CSS_SELECTOR, ".explore-panel input[type=range]")
            explore_probe.settle(driver, slider)
            slider.send_keys(Keys.HOME)
            seen = []
            for i, s in enumerate(samples):
                if i:
                    ActionChains(driver).send_keys(Keys.ARROW_RIGHT).perform()
                got = explore_probe.readout(figure, s["readout"])
                check(f"{name}: step {i} (key presses) reads as metrics.json says", got == s["readout"],
                      explore_probe.diff(s["readout"], got))
                want = frame_srcs(data, i)
                shown = wait_images(driver, figure, want)
                check(f"{name}: step {i} shows its frame ({', '.join(want)})",
                      [src for src, _ in shown] == want and all(ok for _, ok in shown), str(shown))
                seen.append(tuple(want))
            check(f"{name}: every step shows other images", len(set(seen)) == len(seen))
            last = len(samples) - 1
            fragment = driver.execute_script("return location.hash")
            check(f"{name}: the view is in the URL ({fragment})",
                  f"{entry['id']}={last}" in fragment or last == data["start"])
            # A pointer click at the left end of the track: the first frame.
            explore_probe.settle(driver, slider)
            width = slider.size["width"]
            ActionChains(driver).move_to_element_with_offset(slider, -width / 2 + 2, 0).click().perform()
            got = explore_probe.readout(figure, samples[0]["readout"])
            check(f"{name}: a click at the track's left end reads step 0", got == samples[0]["readout"],
                  explore_probe.diff(samples[0]["readout"], got))
            fragment = driver.execute_script("return location.hash")
            check(f"{name}: ... and is in the URL ({fragment})", f"{entry['id']}=0" in fragment)
            # A shared view opens as shared.
            figure = explore_probe.start(driver, base, entry, f"#{entry['id']}=1")
            got = explore_probe.readout(figure, samples[1]["readout"])
            check(f"{name}: opened with #{entry['id']}=1 it starts at step 1", got == samples[1]["readout"],
                  explore_probe.diff(samples[1]["readout"], got))
            errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            check(f"{name}: no console errors", not errors, "; ".join(errors)[:300])
            # Mid-use screenshots at device scale 2: light and dark, at the second step.
            for scheme in ["light", "dark"]:
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                       {"width": 1280, "height": 1600, "deviceScaleFactor": 2, "mobile": False})
                driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                       {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
                figure = explore_probe.start(driver, base, entry, f"#{entry['id']}=1")
                dark = [src.replace(".png", "-dark.png") if scheme == "dark" else src for src in frame_srcs(data, 1)]
                WebDriverWait(driver, 10).until(lambda d: d.execute_script("""
                    const f = arguments[0], pair = f.closest('.pair');
                    return Array.from((pair || f).querySelectorAll('picture img')).every(i => i.complete && i.naturalWidth > 0);""",
                    figure))
                target = figure.find_element(By.XPATH, "..") if kind == "training_size" else figure
                time.sleep(0.3)
                out = shots / f"explore-{kind.replace('_', '-')}-{entry['id']}-{scheme}@2x.png"
                target.screenshot(str(out))
                current = driver.execute_script("return Array.from(arguments[0].querySelectorAll('picture img'), i => i.currentSrc)", target)
                check(f"{name}: screenshot mid-use in {scheme} mode ({out.name}) shows the {scheme} files",
                      all(any(c.endswith(d.replace(".png", "@2x.png")) for c in current) for d in dark), str(current))
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
            driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        extra = globals().get("_extra_" + kind)
        if extra:
            extra(driver, base, site, entries, check)
    finally:
        driver.quit()
    explore_probe.phone_fits(base, entries, browser, check)
    explore_probe.scripts_off(base, entries, check)


def _extra_training_size(driver, base, site, entries, check):
    """Play: with reduced motion asked for, one press steps once."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]})
    for entry in entries:
        figure = explore_probe.start(driver, base, entry, f"#{entry['id']}=1")
        button = figure.find_element(By.CSS_SELECTOR, ".explore-play")
        button.click()
        time.sleep(1.5)
        got = explore_probe.readout(figure, entry["samples"][2]["readout"])
        check(f"training_size {entry['id']}: with reduced motion Play steps once (to step 2), no animation",
              got == entry["samples"][2]["readout"] and button.get_attribute("aria-pressed") == "false",
              explore_probe.diff(entry["samples"][2]["readout"], got))
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
