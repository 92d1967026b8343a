#!/usr/bin/env python3
"""Figures of a `liphase sweep` study from its summary.json.

    .venv/bin/python Scripts/plot_sweep.py runs/studies/interlayers

- interlayer.name alone varied: CCD per interlayer as bars sorted by CCD and coloured by family;
  the bar is the last passed step and the error bar reaches the first failed one (the bracket).
- a numeric key varied (pressure, temperature, conductivity), optionally with interlayer.name:
  CCD brackets and the critical stripping current against that key, one curve per interlayer.
Writes <study>_ccd.png/.pdf (and <study>_csc.png/.pdf for curves) in the study directory.
"""
import argparse
import json
import os
import re
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def library_families():
    """interlayer key -> family, from Inputs/interlayers.yaml (no YAML package needed)."""
    families, key = {}, None
    path = os.path.join(ROOT, "Inputs", "interlayers.yaml")
    for line in open(path):
        match = re.match(r"\s*- key:\s*(\S+)", line)
        if match:
            key = match.group(1)
        match = re.match(r"\s*family:\s*(\S+)", line)
        if match and key:
            families[key] = match.group(1)
    return families


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


def bars(summary, cases, base):
    families = library_families()
    palette = plt.get_cmap("tab20")
    names = sorted({families.get(c["values"]["interlayer.name"], "other") for c in cases})
    colours = {name: palette(i % 20) for i, name in enumerate(names)}
    rows = []
    for case in cases:
        low, high, _, reached = bracket(case)
        if case["status"] != "completed":
            continue
        rows.append((case["values"]["interlayer.name"], low or 0.0, high, reached))
    rows.sort(key=lambda r: (r[1], r[2] or 1e9))
    figure, axis = plt.subplots(figsize=(max(7, 0.22 * len(rows) + 2), 4.5))
    for i, (name, low, high, reached) in enumerate(rows):
        family = families.get(name, "other")
        axis.bar(i, low, color=colours[family], edgecolor="none")
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


def curves(summary, cases, key, base):
    groups = {}
    for case in cases:
        if case["status"] != "completed":
            continue
        label = case["values"].get("interlayer.name", "")
        groups.setdefault(label, []).append(case)
    log = key.endswith("conductivity")
    for what, index, ylabel, suffix in (("CCD", 0, "CCD (mA/cm²)", "_ccd"), ("critical stripping current", 2, "critical stripping current (mA/cm²)", "_csc")):
        figure, axis = plt.subplots(figsize=(6, 4))
        for label, members in sorted(groups.items()):
            members.sort(key=lambda c: number(c["values"][key]))
            x = [number(c["values"][key]) for c in members]
            values = [bracket(c) for c in members]
            if index == 0:
                low = [v[0] or 0.0 for v in values]
                up = [(v[1] - (v[0] or 0.0)) if v[1] is not None else 0 for v in values]
                axis.errorbar(x, low, yerr=[[0] * len(x), up], marker="o", capsize=3, label=label or "ccd")
            else:
                y = [v[2] if v[2] is not None else float("nan") for v in values]
                axis.plot(x, y, marker="s", label=label or "csc")
        axis.set_xlabel(key + (f" ({re.sub(r'^[-+0-9.eE ]+', '', members[0]['values'][key]) or '-'})" if groups else ""))
        axis.set_ylabel(ylabel)
        if log:
            axis.set_xscale("log")
        axis.legend(frameon=False, fontsize=8)
        axis.set_title(f"{summary.get('description') or summary['study']}: {what}", fontsize=8)
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
    numeric = [k for k in keys if k != "interlayer.name"]
    if not numeric:
        bars(summary, cases, base)
    else:
        curves(summary, cases, numeric[0], base)


if __name__ == "__main__":
    main()
