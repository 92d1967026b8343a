"""Figures and summary of the grain-boundary electron-leakage validation (issue #4).

Usage: plot_gb_electronic.py RUN_ROOT [OUT_DIR]
  (defaults: runs/validation/gb-electronic, docs/validation)

For each ratio σ_e,gb/σ_e,g in {1, 1e2, 1e4} (sub-directories ratio-1, ratio-1e2, ratio-1e4):
gb_electronic_ratio-*.png shows ξ at the last field output over the grain-boundary map, and the
script prints one Markdown table row per ratio: isolated Li count, volume and depth, nucleated
Li, its share in the boundary bands, the electronic leakage, and how the run ended.
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

root = sys.argv[1] if len(sys.argv) > 1 else "runs/validation/gb-electronic"
out = sys.argv[2] if len(sys.argv) > 2 else "docs/validation"
os.makedirs(out, exist_ok=True)
ratios = ["1", "1e2", "1e4"]

print("| σ_e,gb/σ_e,g | t (h) | isolated deposits | isolated Li (µm) | deepest isolated (µm) | nucleated Li (µm) | share in bands | deepest nucleated Li ≥ 10⁻³ (µm) | anode-connected depth (µm) | leakage (mA/cm²) | short |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for ratio in ratios:
    run = os.path.join(root, f"ratio-{ratio}")
    fields = sorted(glob.glob(os.path.join(run, "fields_*.h5")))
    if not fields:
        sys.exit(f"plot_gb_electronic: no field files in {run}")
    with open(os.path.join(run, "timeseries.csv")) as f:
        last = list(csv.DictReader(f))[-1]
    ended = "none"
    outcome = os.path.join(run, "ended.txt")
    if os.path.exists(outcome):
        ended = open(outcome).read().strip()
    with h5py.File(fields[-1], "r") as f:
        spacing = f.attrs["spacing"] * 1e6
        xi, b, nucleated = f["xi"][...], f["grain_boundary"][...], f["nucleated_li"][...]
        time = float(f.attrs["time"])
        anode = float(f.attrs["anode_thickness"]) * 1e6 if "anode_thickness" in f.attrs else 5.0
    columns = np.nonzero((nucleated >= 1e-3).any(axis=0))[0]
    deepest = (columns.max() + 0.5) * spacing[0] - anode if columns.size else 0.0
    print(f"| {ratio} | {float(last['time']) / 3600:.2f} | {float(last['isolated_li_count']):.0f} | {float(last['isolated_li_um']):.4f} | "
          f"{float(last['isolated_li_depth_um']):.1f} | {float(last['nucleated_li_um']):.4f} | {float(last['nucleated_boundary_share']):.3f} | {deepest:.1f} | "
          f"{float(last['penetration_depth_um']):.1f} | {float(last['electronic_current_density_mA_cm2']):.3g} | {ended} |")
    extent = [0, xi.shape[1] * spacing[0], 0, xi.shape[0] * spacing[1]]
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.8), constrained_layout=True)
    for axis, (data, label, cmap, scale) in zip(axes, [(xi, "ξ (Li fraction)", "magma", "linear"),
                                                        (nucleated, "Li put in place by nucleation (volume fraction)", "viridis", "log")]):
        axis.imshow(b, origin="lower", extent=extent, cmap="Greys", vmin=0, vmax=3, aspect="equal")
        shown = np.ma.masked_less_equal(data, 1e-6)
        norm = matplotlib.colors.LogNorm(vmin=1e-6, vmax=1) if scale == "log" else matplotlib.colors.Normalize(vmin=0, vmax=1)
        image = axis.imshow(shown, origin="lower", extent=extent, cmap=cmap, norm=norm, aspect="equal")
        axis.set_title(f"{label}\nσ_e,gb/σ_e,g = {ratio}, t = {time / 3600:.1f} h (grey: boundary bands)", fontsize=9)
        axis.set_xlabel("x (µm), anode at left")
        axis.set_ylabel("y (µm)")
        fig.colorbar(image, ax=axis, shrink=0.85)
    fig.savefig(os.path.join(out, f"gb_electronic_ratio-{ratio}.png"), dpi=110)
    plt.close(fig)
