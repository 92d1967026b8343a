#!/usr/bin/env python3
"""Figures of a `liphase sweep` study from its summary.json.

    python3 Scripts/plot_sweep.py runs/studies/interlayers

- interlayer.name alone varied: CCD per interlayer as bars sorted by CCD and coloured by family;
  the bar is the last passed step and the error bar reaches the first failed one (the bracket).
  With interlayer.name varied, also CCD against the library ASR, marked by electron blocking.
- a non-numeric key (e.g. grid.cells): bars labelled by the case values.
- a numeric key varied (pressure, temperature, conductivity), optionally with interlayer.name:
  CCD brackets and the critical stripping current against that key, one curve per interlayer.
Writes <study>_ccd.png/.pdf (plus <study>_ccd_vs_asr or <study>_csc) in the study directory.
"""
import argparse
import json
import os
import re
import sys

import project_venv  # noqa: E402
project_venv.ensure()
import matplotlib  # noqa: E402
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def library():
    """interlayer key -> {family, asr, blocking}, from Inputs/interlayers.yaml (no YAML package needed)."""
    entries, key = {}, None
    path = os.path.join(ROOT, "Inputs", "interlayers.yaml")
    for line in open(path):
        match = re.match(r"\s*- key:\s*(\S+)", line)
        if match:
            key = match.group(1)
            entries[key] = {"family": "other", "asr": None, "blocking": "unknown"}
            continue
        match = re.match(r"\s*(family|asr_after_ohm_cm2|electron_blocking):\s*(\S+)", line)
        if match and key:
            field = {"family": "family", "asr_after_ohm_cm2": "asr", "electron_blocking": "blocking"}[match.group(1)]
            entries[key][field] = float(match.group(2)) if field == "asr" else match.group(2)
    return entries


def number(text):
    match = re.match(r"\s*([-+0-9.eE]+)", str(text))
    return float(match.group(1)) if match else None


def bracket(case):
    ccd = (case or {}).get("critical_current") or {}
    return ccd.get("last_passed"), ccd.get("first_failed"), ccd.get("critical_stripping_current"), ccd.get("reached_maximum", False)


def save(figure, base):
    figure.tight_layout()
    for extension in ("png", "pdf"):
        figure.savefig(f"{base}.{extension}", dpi=150)
    print(f"wrote {base}.png and {base}.pdf")


def label_of(case):
    return ", ".join(str(v) for v in case["values"].values())


def bars(summary, cases, base):
    entries = library()
    def family(case):
        return entries.get(case["values"].get("interlayer.name"), {}).get("family", "other")
    palette = plt.get_cmap("tab20")
    names = sorted({family(c) for c in cases})
    colours = {name: palette(i % 20) for i, name in enumerate(names)}
    rows = []
    for case in cases:
        low, high, _, reached = bracket(case)
        if case["status"] != "completed":
            continue
        rows.append((label_of(case), low or 0.0, high, reached, family(case)))
    rows.sort(key=lambda r: (r[1], r[2] or 1e9))
    figure, axis = plt.subplots(figsize=(max(7, 0.22 * len(rows) + 2), 4.5))
    for i, (name, low, high, reached, group) in enumerate(rows):
        axis.bar(i, low, color=colours[group], edgecolor="none")
        if high is not None:
            axis.errorbar(i, low, yerr=[[0], [high - low]], fmt="none", ecolor="0.2", capsize=2, lw=0.8)
        else:
            axis.annotate("↑", (i, low), ha="center", va="bottom", fontsize=8)
    axis.set_xticks(range(len(rows)))
    axis.set_xticklabels([r[0] for r in rows], rotation=90, fontsize=7)
    axis.set_ylabel("CCD (mA/cm²): last passed → first failed")
    axis.set_title(summary.get("description") or summary["study"], fontsize=9)
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[n]) for n in names]
    axis.legend(handles, names, fontsize=7, ncol=2, frameon=False, loc="upper left")
    save(figure, base + "_ccd")
    if "interlayer.name" in summary["variations"]:
        against_resistance(summary, cases, entries, colours, base)


def against_resistance(summary, cases, entries, colours, base):
    """CCD against the library's interfacial ASR: the 'CCD falls as ASR rises' and the
    'electron-blocking beats electron-conducting at equal ASR' trends of MODEL.md §11."""
    markers = {"yes": ("o", "electron-blocking"), "no": ("s", "electron-conducting"), "unknown": ("^", "blocking unknown")}
    figure, axis = plt.subplots(figsize=(6.5, 4.5))
    seen = set()
    for case in cases:
        entry = entries.get(case["values"].get("interlayer.name"))
        low, high, _, _ = bracket(case)
        if case["status"] != "completed" or not entry or entry["asr"] is None or low is None:
            continue
        marker, text = markers.get(entry["blocking"], markers["unknown"])
        axis.errorbar(entry["asr"], low, yerr=[[0], [(high or low) - low]], fmt=marker, color=colours.get(entry["family"], "0.5"),
                      mec="0.2", mew=0.5, ms=6, capsize=2, lw=0.8, label=None)
        if text not in seen:
            axis.plot([], [], marker, color="0.6", mec="0.2", label=text)
            seen.add(text)
    axis.set_xscale("log")
    axis.set_xlabel("interfacial ASR of the library entry (Ω·cm²)")
    axis.set_ylabel("CCD (mA/cm²): last passed → first failed")
    axis.set_title(f"{summary.get('description') or summary['study']}: CCD against ASR", fontsize=8)
    axis.legend(frameon=False, fontsize=8)
    save(figure, base + "_ccd_vs_asr")


# The unit a bare number has in a deck, for keys whose study values usually carry none.
BARE_UNITS = {"temperature": "°C"}


def maximum_current(case):
    """The ramp's last step (J_max), from the steps the case ran, for open-ended results."""
    steps = ((case or {}).get("critical_current") or {}).get("steps") or []
    return max((step.get("current_density") or 0.0 for step in steps), default=None)


def curves(summary, cases, key, base):
    """CCD brackets and critical stripping currents against a numeric key. An open end (no
    failure up to J_max, or f never below f_crit) is drawn at J_max as an upward triangle."""
    groups = {}
    for case in cases:
        if case["status"] != "completed":
            continue
        label = case["values"].get("interlayer.name", "")
        groups.setdefault(label, []).append(case)
    log = key.endswith("conductivity")
    unit = ""
    for what, ylabel, suffix in (("CCD", "CCD (mA/cm²)", "_ccd"), ("critical stripping current", "critical stripping current (mA/cm²)", "_csc")):
        figure, axis = plt.subplots(figsize=(6, 4))
        open_drawn = False
        for index, (label, members) in enumerate(sorted(groups.items())):
            colour = f"C{index}"
            members.sort(key=lambda c: number(c["values"][key]))
            unit = re.sub(r"^[-+0-9.eE ]+", "", members[0]["values"][key]) or BARE_UNITS.get(key, "")
            x, y, up, open_x, open_y = [], [], [], [], []
            for case in members:
                low, high, stripping, reached = bracket(case)
                value = number(case["values"][key])
                if what == "CCD":
                    if high is None and reached:
                        open_x.append(value); open_y.append(low or 0.0)
                    x.append(value); y.append(low or 0.0); up.append((high - (low or 0.0)) if high is not None else 0.0)
                elif stripping is not None:
                    x.append(value); y.append(stripping); up.append(0.0)
                elif reached:
                    top = maximum_current(case)
                    x.append(value); y.append(top); up.append(0.0); open_x.append(value); open_y.append(top)
            axis.errorbar(x, y, yerr=[[0] * len(x), up], marker="o" if what == "CCD" else "s", capsize=3, color=colour, label=label or what)
            if open_x:
                axis.plot(open_x, open_y, "^", ms=11, mfc="none", mec=colour, mew=1.5)
                open_drawn = True
        if open_drawn:
            axis.plot([], [], "^", ms=9, mfc="none", mec="0.3", label="open: nothing up to J_max")
        axis.set_xlabel(key + (f" ({unit})" if unit else ""))
        axis.set_ylabel(ylabel)
        if log:
            axis.set_xscale("log")
        axis.legend(frameon=False, fontsize=8)
        axis.set_title(f"{summary['study']}: {what}", fontsize=9)
        save(figure, base + suffix)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("study", help="output directory of a liphase sweep (holds summary.json)")
    args = parser.parse_args()
    path = os.path.join(args.study, "summary.json")
    if not os.path.exists(path):
        sys.exit(f"error: {path} not found; run `liphase sweep STUDY` first")
    summary = json.load(open(path))
    cases = [c for c in summary["cases"] if c]
    if not cases:
        sys.exit(f"error: {path} has no finished cases yet")
    keys = list(summary["variations"].keys())
    base = os.path.join(args.study, summary["study"])
    numeric = [k for k in keys if k != "interlayer.name" and all(number(v) is not None and not str(v).startswith("[") for v in summary["variations"][k])]
    if not numeric:
        bars(summary, cases, base)
    else:
        curves(summary, cases, numeric[0], base)


if __name__ == "__main__":
    main()
