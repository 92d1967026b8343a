#!/usr/bin/env python3
"""Spatial convergence report for PFHub benchmark 7a (manufactured Allen-Cahn).

Reads one CSV row per grid resolution (header: nx,ny,dx,l2_error,steps,
wall_seconds; any row order), then writes a Markdown table with observed
orders and a log-log convergence plot (PNG + PDF).

With --check-order P the script becomes a regression gate: it exits 1 unless
the least-squares slope over the three finest grids is within --tolerance of
P. The finest grids are used because the coarsest ones are typically still
pre-asymptotic (the interface is barely resolved), which would bias the slope.
"""

import argparse
import csv
import math
import sys
from pathlib import Path

import numpy as np

import matplotlib

matplotlib.use("Agg")  # headless: runs in CI and over ssh without a display
import matplotlib.pyplot as plt  # noqa: E402  (must follow the backend choice)
from matplotlib.ticker import FixedFormatter, FixedLocator, NullFormatter  # noqa: E402

REQUIRED = ("nx", "ny", "dx", "l2_error", "steps", "wall_seconds")


def fail(msg):
    print(f"bm7_convergence: error: {msg}", file=sys.stderr)
    sys.exit(2)


def read_rows(path):
    if not path.is_file():
        fail(f"CSV not found: {path}")
    with path.open(newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            fail(f"{path}: missing column(s) {', '.join(missing)}; "
                 f"expected header {','.join(REQUIRED)}")
        rows = []
        for lineno, rec in enumerate(reader, start=2):
            try:
                rows.append({
                    "nx": int(rec["nx"]),
                    "ny": int(rec["ny"]),
                    "dx": float(rec["dx"]),
                    "err": float(rec["l2_error"]),
                    "steps": int(rec["steps"]),
                    "wall": float(rec["wall_seconds"]),
                })
            except (TypeError, ValueError) as exc:
                fail(f"{path}:{lineno}: cannot parse row ({exc})")
    if len(rows) < 2:
        fail(f"{path}: need at least 2 resolutions for a convergence study, "
             f"found {len(rows)}")
    bad = [r for r in rows if r["dx"] <= 0 or r["err"] <= 0]
    if bad:
        # Logs of non-positive values would silently produce NaN orders.
        fail(f"{path}: dx and l2_error must be positive (offending nx: "
             f"{', '.join(str(r['nx']) for r in bad)})")
    # Coarse to fine, so "order vs previous row" compares each grid with the
    # next coarser one.
    rows.sort(key=lambda r: r["dx"], reverse=True)
    return rows


def ls_slope(rows):
    """Least-squares slope of log(error) against log(dx)."""
    lx = np.log([r["dx"] for r in rows])
    ly = np.log([r["err"] for r in rows])
    return float(np.polyfit(lx, ly, 1)[0])


def write_markdown(rows, slope_all, slope_fine, n_fine, path):
    lines = [
        "# PFHub benchmark 7a — spatial convergence",
        "",
        "| cells | Δx | L2 error at t=8 | observed order | steps | wall time (s) |",
        "|---|---|---|---|---|---|",
    ]
    prev = None
    for r in rows:
        if prev is None:
            order = "—"
        else:
            order = f"{math.log(prev['err'] / r['err']) / math.log(prev['dx'] / r['dx']):.3f}"
        lines.append(
            f"| {r['nx']}×{r['ny']} | {r['dx']:.7g} | {r['err']:.4e} | {order} "
            f"| {r['steps']} | {r['wall']:.2f} |"
        )
        prev = r
    lines += [
        "",
        f"Least-squares order: {slope_all:.3f} over all {len(rows)} resolutions, "
        f"{slope_fine:.3f} over the finest {n_fine}.",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def write_plot(rows, png, pdf):
    dx = np.array([r["dx"] for r in rows])
    err = np.array([r["err"] for r in rows])

    fig, ax = plt.subplots(figsize=(5.5, 4.2))
    ax.loglog(dx, err, "o-", label="LiPhase")
    # Anchor the reference at the finest point, where the asymptotic regime
    # should hold, so deviations show up on the coarse end.
    i = int(np.argmin(dx))
    ref = err[i] * (dx / dx[i]) ** 2
    ax.loglog(dx, ref, "k--", linewidth=1, label="slope 2")
    # Tick exactly at the resolutions run: the default log minor-tick labels
    # collide on a one-decade axis, and these are the values readers look up.
    ax.xaxis.set_major_locator(FixedLocator(dx))
    ax.xaxis.set_major_formatter(FixedFormatter([f"{d:.3g}" for d in dx]))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("Δx")
    ax.set_ylabel("L2 error of η at t = 8")
    ax.set_title("PFHub 7a (manufactured Allen–Cahn)")
    ax.grid(True, which="both", linewidth=0.3, alpha=0.6)
    ax.legend()
    fig.tight_layout()
    for p in (png, pdf):
        p.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(p, dpi=150)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("csv", nargs="?", default="docs/verification/bm7a.csv", type=Path,
                    help="input CSV (default: %(default)s)")
    ap.add_argument("--markdown", default="docs/verification/bm7a.md", type=Path,
                    help="Markdown table output (default: %(default)s)")
    ap.add_argument("--png", default="docs/verification/bm7a_convergence.png", type=Path,
                    help="PNG plot output (default: %(default)s)")
    ap.add_argument("--pdf", default="docs/verification/bm7a_convergence.pdf", type=Path,
                    help="PDF plot output (default: %(default)s)")
    ap.add_argument("--check-order", type=float, metavar="P",
                    help="exit 1 unless the finest-three LS slope is within "
                         "--tolerance of P")
    ap.add_argument("--tolerance", type=float, default=0.2,
                    help="allowed |slope - P| for --check-order (default: %(default)s)")
    args = ap.parse_args()

    rows = read_rows(args.csv)
    fine = rows[-3:]  # rows are sorted coarse to fine
    slope_all = ls_slope(rows)
    slope_fine = ls_slope(fine)

    write_markdown(rows, slope_all, slope_fine, len(fine), args.markdown)
    write_plot(rows, args.png, args.pdf)

    print(f"least-squares order: all {len(rows)} = {slope_all:.3f}, "
          f"finest {len(fine)} = {slope_fine:.3f}")
    print(f"wrote {args.markdown}, {args.png}, {args.pdf}")

    if args.check_order is not None:
        dev = abs(slope_fine - args.check_order)
        if dev > args.tolerance:
            print(f"order check FAILED: slope {slope_fine:.3f} differs from "
                  f"{args.check_order:g} by {dev:.3f} > {args.tolerance:g}")
            return 1
        print(f"order check passed: slope {slope_fine:.3f} within "
              f"{args.tolerance:g} of {args.check_order:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
