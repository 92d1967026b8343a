"""Makes the tables of Benchmarks/README.md from the RESULT lines that Benchmarks/run.sh
collected (results.jsonl, one JSON object per measurement, medians with ranges).
    python3 Benchmarks/tables.py Benchmarks/results/latest > Benchmarks/results/latest/tables.md
Standard library only."""
import json
import os
import sys

directory = sys.argv[1] if len(sys.argv) > 1 else "Benchmarks/results/latest"
results = [json.loads(line) for line in open(os.path.join(directory, "results.jsonl")) if line.strip()]
machine = open(os.path.join(directory, "machine.txt")).read().strip() if os.path.exists(os.path.join(directory, "machine.txt")) else ""


def of(kind, **match):
    return [r for r in results if r["benchmark"] == kind and all(r.get(k) == v for k, v in match.items())]


def gb(x):
    return f"{x / 1e9:.1f}"


def cells(r):
    return " × ".join(str(c) for c in r["cells"])


print("### Machine\n")
print("```\n" + machine + "\n```\n")

print("### Memory bandwidth (STREAM triad, 24 B per element)\n")
print("| code | cores | MiB per array | GB/s (median) | range |")
print("|---|---|---|---|---|")
for r in of("stream"):
    where = " (in the kernels run: the kernels' roofline)" if r.get("context") == "kernels run" else ""
    print(f"| Swift (`liphase-bench stream`){where} | {r['ranks']} | {r['mebibytes_per_array']} | {gb(r['bytes_per_second'])} | {gb(r['low'])}–{gb(r['high'])} |")
for r in of("stream (C)"):
    print(f"| C, gcc -O3 -march=native | 1 | {r['mebibytes_per_array']} | {gb(r['bytes_per_second'])} | {gb(r['low'])}–{gb(r['high'])} |")
print()

print("### Hot kernels\n")
print("Bytes per cell: compulsory field traffic, counted like STREAM. Roofline: the triad of the same run and ranks, "
      "over arrays of one field's size (the same memory level as the kernels).\n")
print("| kernel | grid | ranks | M cell updates/s (median) | range | bytes/cell | GB/s | % of roofline |")
print("|---|---|---|---|---|---|---|---|")
for r in of("kernel"):
    low = r.get("low")
    spread = f"{low / 1e6:.0f}–{r['high'] / 1e6:.0f}" if low is not None else "—"
    print(f"| {r['kernel']} | {cells(r)} | {r['ranks']} | {r['cell_updates_per_second'] / 1e6:.0f} | {spread} | {r['bytes_per_cell']:.1f} | "
          f"{gb(r['bandwidth_bytes_per_second'])} | {100 * r['roofline_fraction']:.0f} % |")
for r in of("reference"):
    print(f"| {r['kernel']} | {cells(r)} | 1 | {r['cell_updates_per_second'] / 1e6:.0f} | {r['low'] / 1e6:.0f}–{r['high'] / 1e6:.0f} | 56.0 | "
          f"{gb(56 * r['cell_updates_per_second'])} | — |")
print()

steps = of("step")
print("### Whole step (standard dendrite decks)\n")
print("| case | grid | ranks | s/step (median) | range | M cell updates/s | Newton/step | PCG/step | sweeps/step | peak B/cell | model B/cell |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for r in steps:
    if r["label"] == "growth":
        continue
    print(f"| {r['label']} | {cells(r)} | {r['ranks']} | {r['seconds_per_step']:.4f} | {r['seconds_per_step_low']:.4f}–{r['seconds_per_step_high']:.4f} | "
          f"{r['cell_updates_per_second'] / 1e6:.2f} | {r['newton_per_step']:.1f} | {r['pcg_per_step']:.1f} | {r['sweeps_per_step']:.0f} | "
          f"{r['peak_bytes_per_cell']:.0f} | {r['model_bytes_per_cell']:.0f} |")
print()
print("Phases of the step (s/step, median, slowest rank):\n")
names = []
for r in steps:
    for name in r["phases_seconds_per_step"]:
        if name not in names:
            names.append(name)
print("| case | ranks | " + " | ".join(names) + " |")
print("|---|---|" + "---|" * len(names))
for r in steps:
    if r["label"] == "growth":
        continue
    phases = r["phases_seconds_per_step"]
    print(f"| {r['label']} | {r['ranks']} | " + " | ".join(f"{phases.get(n, 0):.2e}" for n in names) + " |")
print()


def strong(label):
    one = [r for r in steps if r["label"] == label and r["ranks"] == 1]
    two = [r for r in steps if r["label"] == label and r["ranks"] == 2]
    if one and two:
        return one[0]["seconds_per_step"] / (2 * two[0]["seconds_per_step"])
    return None


print("### Scaling\n")
print("| case | measure | value |")
print("|---|---|---|")
for label in sorted({r["label"] for r in steps if r["label"] != "growth"}):
    efficiency = strong(label)
    if efficiency is not None:
        print(f"| {label} | strong-scaling efficiency 1 → 2 ranks, T₁/(2T₂) | {100 * efficiency:.0f} % |")
base = [r for r in steps if r["label"] == "2-D 512x256" and r["ranks"] == 1]
weak = [r for r in steps if r["label"].startswith("weak")]
if base and weak:
    print(f"| {weak[0]['label']} on {weak[0]['ranks']} ranks (2 cores) | weak-scaling time ratio T₄/T₁ (4 ranks share 2 cores: 2 is ideal) | "
          f"{weak[0]['seconds_per_step'] / base[0]['seconds_per_step']:.2f} |")
print()

growth = [r for r in steps if r["label"] == "growth"]
if growth:
    print("### Cost growth (2-D dendrite deck, 1 rank)\n")
    print("| grid | cells | s/step (median) | µs per cell per step | PCG/step | sweeps/step |")
    print("|---|---|---|---|---|---|")
    for r in growth:
        n = 1
        for c in r["cells"]:
            n *= c
        print(f"| {cells(r)} | {n} | {r['seconds_per_step']:.4f} | {1e6 * r['seconds_per_step'] / n:.3f} | {r['pcg_per_step']:.1f} | {r['sweeps_per_step']:.0f} |")
    print()

solver = of("solver")
if solver:
    print("### Potential solve alone (hypre comparison problem, 1024², 10⁷ islands)\n")
    print("| case | PCG iterations | solve (s) | sweeps (wall-time ratio to one matvec) | work units |")
    print("|---|---|---|---|---|")
    for r in solver:
        print(f"| {r['case']} | {r['iterations']} | {r['solve_seconds']:.4f} | {r['solve_sweeps']:.0f} | {r['work_units']:.0f} |")
