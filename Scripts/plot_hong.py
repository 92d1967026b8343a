"""Figures for the Hong & Viswanathan (2018) validation run.

Usage: plot_hong.py RUN_DIR [OUT_DIR]   (defaults: runs/validation/hong2018-liquid, docs/validation)

Writes hong2018_fields.png (ξ, φ and c̃ at t = 100, 200 and 400 s, the times of the paper's
Fig. 2) and hong2018_tip.png (dendrite tip position against time, from timeseries.csv).
"""
import csv
import glob
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

run = sys.argv[1] if len(sys.argv) > 1 else "runs/validation/hong2018-liquid"
out = sys.argv[2] if len(sys.argv) > 2 else "docs/validation"
os.makedirs(out, exist_ok=True)

files = {}
for path in glob.glob(os.path.join(run, "fields_*.h5")):
    with h5py.File(path, "r") as f:
        files[float(f.attrs["time"])] = path
if not files:
    sys.exit(f"plot_hong: no field files in {run}")
times = [100.0, 200.0, 400.0]
chosen = [min(files, key=lambda t: abs(t - wanted)) for wanted in times]

fig, axes = plt.subplots(3, 3, figsize=(11, 10), constrained_layout=True)
for column, time in enumerate(chosen):
    with h5py.File(files[time], "r") as f:
        spacing = f.attrs["spacing"] * 1e6
        extent = [0, f["xi"].shape[1] * spacing[0], 0, f["xi"].shape[0] * spacing[1]]
        for row, (name, label, cmap) in enumerate([("xi", "ξ (Li fraction)", "viridis"),
                                                   ("phi", "φ (V)", "plasma"),
                                                   ("concentration", "c̃ = c/c₀", "cividis")]):
            image = axes[row, column].imshow(f[name][...], origin="lower", extent=extent, cmap=cmap, aspect="equal")
            axes[row, column].set_title(f"{label}, t = {time:.0f} s", fontsize=10)
            axes[row, column].set_xlabel("x (µm)")
            axes[row, column].set_ylabel("y (µm)")
            fig.colorbar(image, ax=axes[row, column], shrink=0.8)
fig.savefig(os.path.join(out, "hong2018_fields.png"), dpi=110)

with open(os.path.join(run, "timeseries.csv")) as f:
    rows = list(csv.DictReader(f))
t = np.array([float(r["time"]) for r in rows])
tip = np.array([float(r["penetration_depth_um"]) for r in rows])
current = np.array([float(r["faradaic_current_density_mA_cm2"]) for r in rows])
fig, left = plt.subplots(figsize=(7, 4.2), constrained_layout=True)
left.plot(t, tip, color="C0", label="tip position beyond the initial 20 µm Li")
left.set_xlabel("t (s)")
left.set_ylabel("tip position (µm)", color="C0")
right = left.twinx()
right.plot(t, current, color="C3", lw=1, label="current density")
right.set_ylabel("Faradaic current density (mA/cm²)", color="C3")
left.set_title("Hong & Viswanathan (2018) case in LiPhase: tip and current")
fig.savefig(os.path.join(out, "hong2018_tip.png"), dpi=110)
print(f"wrote {out}/hong2018_fields.png and {out}/hong2018_tip.png (fields at t = {', '.join(f'{c:.0f}' for c in chosen)} s)")
