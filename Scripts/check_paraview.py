"""Opens a LiPhase run in ParaView's own readers and checks what a user would see.

Usage: pvbatch Scripts/check_paraview.py OUTPUT_DIR [PNG]

For both XDMF readers (Xdmf3ReaderS and the legacy XDMFReader) it checks the time steps, the
cell count, that the domain lies along x (and y) as in the HDF5 attributes, and that a probe at
a cell centre returns the value h5py reads from that cell. With PNG it also renders 'eta' at
the last time (needs an X server or Xvfb). Not part of the CI suite: ParaView is a 500 MB
install; run it after changing the XDMF writer.
"""
import glob
import os
import sys

import numpy as np
from paraview import servermanager
from paraview.simple import ColorBy, CreateView, ProbeLocation, ResetCamera, SaveScreenshot, Show, XDMFReader, Xdmf3ReaderS

directory = sys.argv[1]
xdmf = os.path.join(directory, "fields.xdmf")
last = sorted(glob.glob(os.path.join(directory, "fields_*.h5")))[-1]

# ParaView's Python has no h5py (and must not load a second HDF5 library next to VTK's), so
# the reference values come from the project venv (Scripts/venv.sh) in a child process.
import json
import subprocess

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
reader_code = """
import h5py, json, sys
with h5py.File(sys.argv[1], "r") as f:
    print(json.dumps({"eta": f["eta"][...].tolist(), "spacing": f.attrs["spacing"].tolist(),
                      "time": float(f.attrs["time"]), "cells": f.attrs["cells"].tolist()}))
"""
reference = json.loads(subprocess.check_output([os.path.join(root, ".venv", "bin", "python"), "-c", reader_code, last]))
eta = np.array(reference["eta"])
spacing = reference["spacing"]
time = reference["time"]
cells = reference["cells"]

problems = []
for name in ("Xdmf3ReaderS", "XDMFReader"):
    reader = Xdmf3ReaderS(FileName=[xdmf]) if name == "Xdmf3ReaderS" else XDMFReader(FileNames=[xdmf])
    reader.UpdatePipeline(time)
    info = reader.GetDataInformation()
    bounds = info.GetBounds()
    if info.GetNumberOfCells() != int(np.prod(cells)):
        problems.append(f"{name}: {info.GetNumberOfCells()} cells, expected {int(np.prod(cells))}")
    for axis in range(len(cells)):
        extent = bounds[2 * axis + 1] - bounds[2 * axis]
        if abs(extent - cells[axis] * spacing[axis]) > 1e-9 * extent:
            problems.append(f"{name}: axis {axis} spans {extent}, expected {cells[axis] * spacing[axis]}")
    # Probe a few cell centres and compare with the HDF5 values.
    for i, j in [(1, 1), (int(cells[0]) // 3, int(cells[1]) // 2), (int(cells[0]) - 2, int(cells[1]) - 3)]:
        probe = ProbeLocation(Input=reader, ProbeType="Fixed Radius Point Source")
        probe.ProbeType.Center = [(i + 0.5) * spacing[0], (j + 0.5) * spacing[1], 0.5 * min(spacing[:2])]
        probe.UpdatePipeline(time)
        value = servermanager.Fetch(probe).GetPointData().GetArray("eta").GetValue(0)
        if value != eta[j, i]:
            problems.append(f"{name}: eta at cell ({i}, {j}) is {value}, HDF5 has {eta[j, i]}")
    print(f"{name}: {info.GetNumberOfCells()} cells, {len(reader.TimestepValues)} times, bounds {bounds}")

if len(sys.argv) > 2:
    view = CreateView("RenderView")
    view.ViewSize = [900, 500]
    display = Show(reader, view)
    display.Representation = "Surface"
    ColorBy(display, ("CELLS", "eta"))
    display.SetScalarBarVisibility(view, True)
    view.ViewTime = time
    ResetCamera(view)
    SaveScreenshot(sys.argv[2], view)

if problems:
    print("\n".join(problems))
    sys.exit(1)
print("ParaView check: OK")
