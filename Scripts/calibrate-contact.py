#!/usr/bin/env python3
"""Calibrate the Li supply law of MODEL.md §6 against Wang, Choudhury & Sakamoto (Joule 2019).

    v_sup = χ·v_d(T) + B(T)·(P_eff / 1 MPa)^n_c,   P_eff = P_stack / f

Fits v_d (contact.diffusive_supply) so that the critical stripping current (CSC) at 0 MPa,
25 °C is 0.1 mA/cm², then B (contact.creep_coefficient) so that it is 0.4 mA/cm² at 2 MPa.
The CSC is the largest J whose 1 h strip from f₀ = 1 keeps contact_fraction ≥ 0.99 (the last
row of timeseries.csv), found by bisection on the deck of Inputs/calibration/. Then reports the
CSC at 0, 1, 2, 4 MPa and at 0, 25, 50 °C, and writes docs/calibration-result.md.
See docs/calibration.md.

Usage (from the repository root, after `swift build -c release`; standard library only):
    python3 Scripts/calibrate-contact.py [--liphase PATH]
Exit status: 0 on success, 1 if a run fails (with its message).
"""
import argparse, csv, math, os, subprocess, sys, tempfile, time
from pathlib import Path

FARADAY, MOLAR_VOLUME, K_B, GAS = 96485.33212, 12.97e-6, 8.617333262e-5, 8.314462618  # SI, eV/K, J/(mol·K)
T_REF, E_DIFFUSION, E_CREEP, N_CREEP = 298.15, 0.55, 37e3, 6.56   # K, eV, J/mol (the deck defaults)
TARGETS = {0.0: 0.1, 2.0: 0.4}     # MPa → CSC, mA/cm² (Wang, Choudhury & Sakamoto 2019)
TOLERANCE, ROUNDS, BISECTIONS, CRITERION = 0.003, 4, 8, 0.99
ROOT = Path(__file__).resolve().parent.parent
RESULT = ROOT / "docs" / "calibration-result.md"
DECK = """model: electrodeposition
temperature: {T}
grid: {{cells: [48, 2], size: [12 um, 0.5 um]}}
time: {{end: 1 h, max_dt: 60 s}}
output: {{directory: {out}, every_time: 10 h, timeseries_every_steps: 5}}
cell: {{anode_thickness: 3 um, reservoir_thickness: 300 um}}
contact: {{stack_pressure: {P}, diffusive_supply: {vd:.10g}, creep_coefficient: {B:.10g}}}
phase_field: {{relaxation_speedup: 1}}
protocol: {{current_density: {J:.10g}}}
"""


def law(P, vd, B, T=25.0):
    """CSC estimate J = v_sup(f = 1)·F/Ω, mA/cm² (v_d, B in nm/s at 25 °C)."""
    t = T + 273.15
    v = vd * math.exp(-E_DIFFUSION / K_B * (1 / t - 1 / T_REF))
    if P > 0:
        v += B * math.exp(-E_CREEP / GAS * (1 / t - 1 / T_REF)) * P ** N_CREEP
    return v * 1e-9 * FARADAY / MOLAR_VOLUME / 10


def final_contact(binary, P, vd, B, T, J):
    """contact_fraction after a 1 h strip at J mA/cm² (the last time-series row)."""
    with tempfile.TemporaryDirectory(prefix="liphase-csc-") as tmp:
        deck, out = Path(tmp, "strip.yaml"), Path(tmp, "out")
        deck.write_text(DECK.format(T=T, out=out, P=P, vd=vd, B=B, J=-J))
        env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        run = subprocess.run([binary, "run", str(deck)], env=env, cwd=tmp, capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"calibrate-contact: {binary} failed (exit {run.returncode}) at P = {P} MPa, T = {T} °C, "
                     f"J = {J:.6g} mA/cm², v_d = {vd:.6g}, B = {B:.6g} nm/s:\n{(run.stderr or run.stdout).strip()[-2000:]}")
        try:
            row = list(csv.DictReader(open(out / "timeseries.csv")))[-1]
            f, t = float(row["contact_fraction"]), float(row["time"])
        except (OSError, IndexError, KeyError, ValueError) as error:
            sys.exit(f"calibrate-contact: no usable timeseries.csv from the run at J = {J:.6g} mA/cm²: {error}")
        if (out / "ended.txt").exists():          # stopped early (contact lost): above the CSC
            return 0.0
        if t < 3600 * (1 - 1e-9):
            sys.exit(f"calibrate-contact: the run at J = {J:.6g} mA/cm² stopped at t = {t} s without a reason")
        return f


def csc(binary, P, vd, B, T=25.0):
    """Bisection in log J on [0.85, 1.25] × the law's estimate, BISECTIONS runs."""
    estimate = law(P, vd, B, T)
    low, high = 0.85 * estimate, 1.25 * estimate
    passed = failed = False
    for _ in range(BISECTIONS):
        J, start = math.sqrt(low * high), time.time()
        f = final_contact(binary, P, vd, B, T, J)
        print(f"    P = {P:g} MPa, T = {T:g} °C, J = {J:.6g} mA/cm²: f = {f:.5f} ({time.time() - start:.1f} s)", flush=True)
        if f >= CRITERION:
            low, passed = J, True
        else:
            high, failed = J, True
    found = math.sqrt(low * high)
    if not (passed and failed):
        print(f"  warning: the CSC at {P:g} MPa, {T:g} °C lies at the edge of the bracket", flush=True)
    print(f"  CSC({P:g} MPa, {T:g} °C) = {found:.5g} mA/cm² (law {estimate:.5g}, ratio {found / estimate:.4f})", flush=True)
    return found


def fit(name, measure, adjust, target):
    """Measure, adjust, repeat until within TOLERANCE of target (at most ROUNDS measurements)."""
    for attempt in range(1, ROUNDS + 1):
        print(f"{name}, round {attempt}:", flush=True)
        value = measure()
        if abs(value / target - 1) < TOLERANCE:
            return value, True
        if attempt < ROUNDS:
            adjust(value)
    print(f"  warning: {name} did not reach {TOLERANCE:.1%} in {ROUNDS} rounds", flush=True)
    return value, False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--liphase", default=".build/release/liphase", help="the liphase binary (default: %(default)s, from the repository root)")
    parser.add_argument("--vd", type=float, default=0.13443, help="start value of v_d, nm/s (default: %(default)s)")
    parser.add_argument("--B", type=float, default=0.004274, help="start value of B, nm/s (default: %(default)s)")
    args = parser.parse_args()
    binary = str(Path(args.liphase).resolve() if args.liphase != parser.get_default("liphase") else ROOT / args.liphase)
    if not os.access(binary, os.X_OK):
        sys.exit(f"calibrate-contact: {binary} is not an executable; build it with `swift build -c release` or pass --liphase")
    p = {"vd": args.vd, "B": args.B}
    c0, ok0 = fit("v_d at 0 MPa", lambda: csc(binary, 0, p["vd"], p["B"]),
                  lambda c: p.update(vd=p["vd"] * TARGETS[0.0] / c), TARGETS[0.0])
    # The creep part of the CSC scales with B: r = (0.4 − CSC_d)/(CSC(2 MPa) − CSC_d).
    c2, ok2 = fit("B at 2 MPa", lambda: csc(binary, 2, p["vd"], p["B"]),
                  lambda c: p.update(B=p["B"] * (TARGETS[2.0] - c0) / (c - c0)), TARGETS[2.0])
    print("Re-check at 0 MPa with the fitted B:", flush=True)
    results = {(0.0, 25.0): csc(binary, 0, p["vd"], p["B"]), (2.0, 25.0): c2}
    for P, T in [(1.0, 25.0), (4.0, 25.0), (0.0, 0.0), (0.0, 50.0)]:
        print(f"Report: {P:g} MPa, {T:g} °C" + (" (about 4000 steps per run)" if P >= 4 else ""), flush=True)
        results[(P, T)] = csc(binary, P, p["vd"], p["B"], T)

    rows = ["| P (MPa) | T (°C) | supply law J = v_sup(1)·F/Ω (mA/cm²) | CSC (mA/cm²) | CSC / law | target (mA/cm²) |",
            "|---:|---:|---:|---:|---:|---:|"]
    for P, T in [(0.0, 25.0), (1.0, 25.0), (2.0, 25.0), (4.0, 25.0), (0.0, 0.0), (0.0, 50.0)]:
        J, estimate = results[(P, T)], law(P, p["vd"], p["B"], T)
        target = f"{TARGETS[P]:g}" if T == 25.0 and P in TARGETS else "—"
        rows.append(f"| {P:g} | {T:g} | {estimate:#.5g} | {J:#.5g} | {J / estimate:.4f} | {target} |")
    values = [f"- `contact.diffusive_supply` v_d = {p['vd']:#.5g} nm/s" + ("" if ok0 else " (not converged)"),
              f"- `contact.creep_coefficient` B = {p['B']:#.5g} nm/s" + ("" if ok2 else " (not converged)"),
              f"- with n_c = {N_CREEP}, E_a(v_d) = {E_DIFFUSION} eV, E_a(B) = {E_CREEP / 1e3:g} kJ/mol; start values "
              f"v_d = {args.vd:g}, B = {args.B:g} nm/s; CSC by {BISECTIONS} bisections in log J, criterion "
              f"contact_fraction ≥ {CRITERION} after 1 h (docs/calibration.md)"]
    text = "\n".join(["<!-- Generated by Scripts/calibrate-contact.py; do not edit by hand, rerun the script. -->",
                      "", "# Calibration result", "", f"Generated {time.strftime('%Y-%m-%d %H:%M %Z')} with `{args.liphase}`.", "",
                      *values, "", *rows, ""])
    print("\n" + text)
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(text)
    print(f"Written to {RESULT.relative_to(ROOT)}. To make these the deck defaults, set ContactDefaults in Sources/LiPhaseIO/Schema.swift.")


if __name__ == "__main__":
    main()
