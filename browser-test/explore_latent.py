"""Browser checks of the latent walk (kind "latent") and helpers shared with explore_training.py.

For every latent widget metrics.json lists: real pointer moves to each sample's latent point (the
pixel computed from the figure's plot area, which the widget's data file states) and real arrow
keys to the same cells; the readout must show exactly the text metrics.json lists. The shared URL
hash must reopen the same cell; with scripts off the page shows the still figure. Screenshots of
the widget mid-use, light and dark, at device scale 2, go to the shots folder.
"""
import json
import math
import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

BUDGET = 300_000


def widgets(site, kind):
    metrics = json.loads((site / "metrics.json").read_text())
    return [e for e in metrics.get("explorables", []) if e["kind"] == kind]


def payload(site, entry):
    text = (site / f"explore/{entry['id']}.js").read_text()
    start = text.index(",") + 1
    return json.loads(text[start:text.rindex(")")])


def open_widget(driver, base, entry, wait_ready, hash_=""):
    driver.get("about:blank")  # a new document even when only the hash differs
    driver.get(f"{base}/{entry['page']}{hash_}")
    wait_ready(driver)
    fig = driver.find_element(By.CSS_SELECTOR, f"figure[data-explore-id='{entry['id']}']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); LensesExplore.loadAll();", fig)
    WebDriverWait(driver, 15).until(lambda d: "explore-ready" in fig.get_attribute("class")
                                    or "explore-failed" in fig.get_attribute("class"))
    return fig


def readout(fig, keys):
    return {k: fig.find_element(By.CSS_SELECTOR, f"[data-key='{k}']").text for k in keys}


def console_errors(driver):
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def data_size(site, entry):
    return sum((site / f).stat().st_size for f in entry["data_files"])


def shot(driver, fig, path, scheme):
    """The widget at device scale 2 in one colour scheme (the emulation is set by the caller)."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", fig)
    time.sleep(0.3)
    fig.screenshot(str(path))


def set_scheme(driver, scheme, scale=2):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 1280, "height": 1000, "deviceScaleFactor": scale, "mobile": False})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"features": [{"name": "prefers-color-scheme", "value": scheme}]})


def scripts_off(base, entry, browser, check):
    """With JavaScript disabled the page still shows the still figure (its <img> with its src)."""
    driver = browser(1280)
    try:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
        driver.get(f"{base}/{entry['page']}")
        fig = driver.find_element(By.CSS_SELECTOR, f"figure[data-explore-id='{entry['id']}']")
        img = fig.find_element(By.CSS_SELECTOR, "picture img")
        src = img.get_attribute("src") or ""
        panels = fig.find_elements(By.CSS_SELECTOR, ".explore-panel")
        ok = src.endswith(entry["figure"]) and not panels and driver.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth > 0", img)
        check(f"{entry['id']}: with scripts off the still figure shows ({entry['figure']})", ok, f"src {src}, panels {len(panels)}")
    finally:
        driver.quit()


def check_latent(base, site, shots, browser, check, wait_ready):
    for entry in widgets(site, "latent"):
        wid = entry["id"]
        data = payload(site, entry)
        size = data_size(site, entry)
        check(f"{wid}: data {size / 1000:.1f} KB (budget 300 KB)", size <= BUDGET)
        n, ext = data["side"], data["extent"]
        W, H = data["size"]
        px, py, pw, ph = data["plot"]

        def cell(x):
            return (min(n - 1, int(math.floor((x[0] + ext) / (2 * ext) * n))),
                    min(n - 1, int(math.floor((ext - x[1]) / (2 * ext) * n))))

        driver = browser(1280)
        try:
            fig = open_widget(driver, base, entry, wait_ready)
            check(f"{wid}: widget starts", "explore-ready" in fig.get_attribute("class"))
            img = fig.find_element(By.CSS_SELECTOR, "picture img")
            keys = sorted(entry["samples"][0]["readout"])
            # Pointer: to each sample's latent point, through the plot area.
            for s in entry["samples"]:
                rect = driver.execute_script("return [arguments[0].clientWidth, arguments[0].clientHeight];", img)
                fx = px + (s["x"][0] + ext) / (2 * ext) * pw
                fy = py + (ext - s["x"][1]) / (2 * ext) * ph
                dx, dy = fx * rect[0] / W - rect[0] / 2, fy * rect[1] / H - rect[1] / 2
                ActionChains(driver).move_to_element_with_offset(img, round(dx), round(dy)).perform()
                got = readout(fig, keys)
                check(f"{wid}: pointer at z = ({s['x'][0]:.2f}, {s['x'][1]:.2f}) reads {got}", got == s["readout"],
                      f"expected {s['readout']}")
            # Keys: from the last pointed cell to each sample's cell with the arrow keys.
            stage = fig.find_element(By.CSS_SELECTOR, ".explore-stage")
            driver.execute_script("arguments[0].focus()", stage)
            here = cell(entry["samples"][-1]["x"])
            for s in entry["samples"]:
                to = cell(s["x"])
                actions = ActionChains(driver)
                for _ in range(abs(to[0] - here[0])):
                    actions.send_keys(Keys.ARROW_RIGHT if to[0] > here[0] else Keys.ARROW_LEFT)
                for _ in range(abs(to[1] - here[1])):
                    actions.send_keys(Keys.ARROW_DOWN if to[1] > here[1] else Keys.ARROW_UP)
                actions.perform()
                here = to
                got = readout(fig, keys)
                check(f"{wid}: arrow keys to cell {to} read {got}", got == s["readout"], f"expected {s['readout']}")
            focused = driver.execute_script("return document.activeElement === arguments[0]", stage)
            outline = driver.execute_script("return getComputedStyle(arguments[0]).outlineStyle", stage)
            check(f"{wid}: the plane keeps the keyboard focus, with a visible outline ({outline})", focused and outline != "none")
            live = fig.find_element(By.CSS_SELECTOR, ".explore-readout")
            check(f"{wid}: readout is a live region", live.get_attribute("aria-live") == "polite" and live.get_attribute("role") == "status")
            state = driver.execute_script("return location.hash")
            here = cell(entry["samples"][-1]["x"])
            check(f"{wid}: state in the URL hash ({state})", state == f"#{wid}={here[0]}.{here[1]}")
            # The shared link opens the same cell.
            first = entry["samples"][0]
            c = cell(first["x"])
            fig = open_widget(driver, base, entry, wait_ready, f"#{wid}={c[0]}.{c[1]}")
            got = readout(fig, keys)
            check(f"{wid}: a shared link #{wid}={c[0]}.{c[1]} opens that cell", got == first["readout"], f"got {got}")
            errors = console_errors(driver)
            check(f"{wid}: no console errors while walking", not errors, "; ".join(errors)[:300])
            # Screenshots mid-use: light and dark at device scale 2.
            for scheme in ("light", "dark"):
                set_scheme(driver, scheme)
                fig = open_widget(driver, base, entry, wait_ready, f"#{wid}={c[0]}.{c[1]}")
                img = fig.find_element(By.CSS_SELECTOR, "picture img")
                WebDriverWait(driver, 10).until(lambda d: d.execute_script("return arguments[0].complete", img))
                ActionChains(driver).move_to_element_with_offset(img, 0, 0).perform()
                out = shots / f"explore-latent-{wid}-{scheme}@2x.png"
                shot(driver, fig, out, scheme)
                check(f"{wid}: screenshot mid-walk in {scheme} mode ({out.name})", out.stat().st_size > 0)
        finally:
            driver.quit()
        scripts_off(base, entry, browser, check)
