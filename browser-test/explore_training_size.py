"""Training-size sliders (`@training-size`): both maps and the readout at every size, and Play with
reduced motion; driven by explore_slider.run, called from check_site.py."""
import explore_slider


def run(base, site, shots, browser, check):
    explore_slider.run("training_size", base, site, shots, browser, check)
