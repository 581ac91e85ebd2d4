"""Regulariser sliders (`@regulariser`): driven end to end by explore_slider.run, called from check_site.py."""
import explore_slider


def run(base, site, shots, browser, check):
    explore_slider.run("regulariser", base, site, shots, browser, check)
