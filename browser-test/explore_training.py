"""Browser checks of the training scrubbers (kind "training").

For every training widget metrics.json lists: real arrow keys on its slider to each sample's
snapshot (the readout must show exactly the text metrics.json lists), the slider stepped end to
end (readout and drawing change at every step), play and pause (and one step per press when the
reader asks for reduced motion), the shared URL hash, scripts off, and screenshots mid-scrub in
light and dark at device scale 2.
"""
import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from explore_latent import BUDGET, console_errors, data_size, open_widget, readout, scripts_off, set_scheme, shot, widgets

CANVAS = "return Array.from(arguments[0].querySelectorAll('canvas'), c => c.toDataURL()).join('|')"


def check_training(base, site, shots, browser, check, wait_ready):
    for entry in widgets(site, "training"):
        wid, count = entry["id"], entry["frames"]
        size = data_size(site, entry)
        check(f"{wid}: data and frames {size / 1000:.1f} KB (budget 300 KB)", size <= BUDGET)
        keys = sorted(entry["samples"][0]["readout"])
        driver = browser(1280)
        try:
            fig = open_widget(driver, base, entry, wait_ready)
            check(f"{wid}: widget starts", "explore-ready" in fig.get_attribute("class"))
            slider = fig.find_element(By.CSS_SELECTOR, ".explore-slider input")
            check(f"{wid}: slider over {count} snapshots", slider.get_attribute("max") == str(count - 1))
            # Keys: Home, then ArrowRight to each sample's snapshot.
            for s in entry["samples"]:
                slider.send_keys(Keys.HOME)
                for _ in range(int(s["x"][0])):
                    slider.send_keys(Keys.ARROW_RIGHT)
                got = readout(fig, keys)
                check(f"{wid}: snapshot {int(s['x'][0])} reads {got}", got == s["readout"], f"expected {s['readout']}")
            # Pointer: a click at the slider's right end goes to the last snapshot.
            width = slider.size["width"]
            ActionChains(driver).move_to_element_with_offset(slider, width // 2 - 2, 0).click().perform()
            check(f"{wid}: a click at the slider's end shows the last snapshot", slider.get_attribute("value") == str(count - 1))
            # End to end: every step changes the readout and the drawing.
            slider.send_keys(Keys.HOME)
            seen, drawings, same = [readout(fig, keys)], [driver.execute_script(CANVAS, fig)], []
            for i in range(1, count):
                slider.send_keys(Keys.ARROW_RIGHT)
                seen.append(readout(fig, keys))
                drawings.append(driver.execute_script(CANVAS, fig))
                if seen[-1] == seen[-2] or drawings[-1] == drawings[-2]:
                    same.append(i)
            check(f"{wid}: stepping 0 → {count - 1} changes readout and drawing at every step", not same, f"unchanged at {same}")
            state = driver.execute_script("return location.hash")
            check(f"{wid}: state in the URL hash ({state})", state == f"#{wid}={count - 1}")
            focused = driver.execute_script("return document.activeElement === arguments[0]", slider)
            outline = driver.execute_script("return getComputedStyle(arguments[0]).outlineStyle", slider)
            check(f"{wid}: the slider keeps the focus, with a visible outline ({outline})", focused and outline != "none")
            live = fig.find_element(By.CSS_SELECTOR, ".explore-readout")
            check(f"{wid}: readout is a live region", live.get_attribute("aria-live") == "polite" and live.get_attribute("role") == "status")
            # Play from the start, then pause.
            slider.send_keys(Keys.HOME)
            play = fig.find_element(By.CSS_SELECTOR, ".explore-play")
            play.click()
            time.sleep(1.6)
            moved = int(slider.get_attribute("value"))
            pressed = play.get_attribute("aria-pressed")
            if pressed == "true":
                play.click()
            # Playing stops by itself at the last snapshot; otherwise the second press pauses it.
            check(f"{wid}: play advances ({moved} steps in 1.6 s, aria-pressed {pressed}) and pauses",
                  moved >= 1 and (pressed == "true" or moved == count - 1) and play.get_attribute("aria-pressed") == "false")
            # A shared link opens its snapshot.
            mid = entry["samples"][len(entry["samples"]) // 2]
            fig = open_widget(driver, base, entry, wait_ready, f"#{wid}={int(mid['x'][0])}")
            got = readout(fig, keys)
            check(f"{wid}: a shared link #{wid}={int(mid['x'][0])} opens that snapshot", got == mid["readout"], f"got {got}")
            errors = console_errors(driver)
            check(f"{wid}: no console errors while scrubbing", not errors, "; ".join(errors)[:300])
            # Reduced motion: play steps once per press.
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                   {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]})
            fig = open_widget(driver, base, entry, wait_ready, f"#{wid}=0")
            play = fig.find_element(By.CSS_SELECTOR, ".explore-play")
            play.click()
            time.sleep(1.6)
            value = fig.find_element(By.CSS_SELECTOR, ".explore-slider input").get_attribute("value")
            check(f"{wid}: with reduced motion, play steps once per press (at {value})", value == "1")
            # Screenshots mid-scrub, light and dark, at device scale 2.
            for scheme in ("light", "dark"):
                set_scheme(driver, scheme)
                fig = open_widget(driver, base, entry, wait_ready, f"#{wid}={int(mid['x'][0])}")
                img = fig.find_element(By.CSS_SELECTOR, "picture img")
                WebDriverWait(driver, 10).until(lambda d: d.execute_script("return arguments[0].complete", img))
                time.sleep(0.3)
                out = shots / f"explore-training-{wid}-{scheme}@2x.png"
                shot(driver, fig, out, scheme)
                check(f"{wid}: screenshot mid-scrub in {scheme} mode ({out.name})", out.stat().st_size > 0)
        finally:
            driver.quit()
        scripts_off(base, entry, browser, check)
