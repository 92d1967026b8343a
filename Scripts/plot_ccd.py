#!/usr/bin/env python3
"""Voltage and contact-fraction traces of one `liphase ccd` run.

    python3 Scripts/plot_ccd.py runs/ccd/base          # writes ccd_trace.png and .pdf there

Reads ccd_trace.csv and ccd.json from the run's output directory (the script makes and uses the project venv).
"""
import argparse
import csv
import json
import os
import sys

import project_venv  # noqa: E402
project_venv.ensure()
import matplotlib  # noqa: E402
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", help="output directory of a liphase ccd run")
    parser.add_argument("-o", "--output", help="file name without extension (default: RUN/ccd_trace)")
    args = parser.parse_args()
    trace_path = os.path.join(args.run, "ccd_trace.csv")
    result_path = os.path.join(args.run, "ccd.json")
    if not os.path.exists(trace_path):
        sys.exit(f"error: {trace_path} not found; run `liphase ccd DECK` first (its output.directory is the run directory)")
    with open(trace_path) as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        sys.exit(f"error: {trace_path} has no rows")
    result = json.load(open(result_path)) if os.path.exists(result_path) else {}
    hours = [float(r["time_s"]) / 3600 for r in rows]
    voltage = [float(r["cell_voltage_V"]) for r in rows]
    contact = [float(r["contact_fraction"]) for r in rows]
    current = [float(r["current_density_mA_cm2"]) for r in rows]

    figure, (top, middle, bottom) = plt.subplots(3, 1, sharex=True, figsize=(7.5, 6.5), gridspec_kw={"height_ratios": [1, 2, 2]})
    top.step(hours, current, where="post", color="0.3", lw=1)
    top.set_ylabel("J (mA/cm²)")
    middle.plot(hours, voltage, lw=0.8, color="tab:blue")
    middle.set_ylabel("cell voltage (V)")
    bottom.plot(hours, contact, lw=0.8, color="tab:green")
    critical = result.get("critical_contact")
    if critical is not None:
        bottom.axhline(critical, color="tab:red", ls="--", lw=0.8, label=f"f_crit = {critical:g}")
        bottom.legend(loc="lower left", frameon=False)
    bottom.set_ylabel("contact fraction")
    bottom.set_xlabel("time (h)")
    bottom.set_ylim(0, 1.05)
    low, high = result.get("last_passed"), result.get("first_failed")
    title = f"CCD [{low if low is not None else '<J₀'}, {high if high is not None else '>J_max'}] mA/cm²"
    failure = result.get("failure")
    if failure:
        for axis in (top, middle, bottom):
            axis.axvline(failure["time"] / 3600, color="tab:red", lw=0.8)
        title += f": {failure['mode']} while {'stripping' if failure['during_stripping'] else 'plating'}"
    csc = result.get("critical_stripping_current")
    if csc is not None:
        title += f"; critical stripping current {csc:g} mA/cm²"
    top.set_title(title, fontsize=9)
    figure.tight_layout()
    base = args.output or os.path.join(args.run, "ccd_trace")
    for extension in ("png", "pdf"):
        figure.savefig(f"{base}.{extension}", dpi=150)
    print(f"wrote {base}.png and {base}.pdf")


if __name__ == "__main__":
    main()
