#!/usr/bin/env python3
"""Validate a LiPhase run directory: fields.xdmf plus the HDF5 files it cites.

Usage: check_outputs.py OUTPUT_DIR

Checks that fields.xdmf is a well-formed XDMF 3 temporal collection (root
Xdmf > Domain > Grid[GridType=Collection, CollectionType=Temporal], each child
grid carrying a Time) and that every HDF DataItem ("file.h5:/dataset") points
at an existing dataset whose shape matches the declared Dimensions, whose
dtype matches NumberType/Precision when declared, and which has a `units`
attribute. ParaView/VisIt mostly fail silently on such mismatches (blank or
garbled fields), which is why they are checked here instead.

Exit status: 0 if everything is consistent, 1 if problems were found (each is
listed), 2 on usage errors.
"""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import h5py

# XDMF NumberType -> numpy dtype kinds that a reader would interpret correctly.
NUMBER_KINDS = {"float": "f", "int": "i", "uint": "u", "char": "i", "uchar": "u"}


def local(tag):
    """Tag name without any XML namespace, so a default xmlns does not matter."""
    return tag.rsplit("}", 1)[-1]


def children(elem, name):
    return [c for c in elem if local(c.tag) == name]


class Checker:
    def __init__(self, out_dir):
        self.out_dir = Path(out_dir)
        self.problems = []
        self.n_steps = 0
        self.n_datasets = 0
        self._files = {}  # keep each HDF5 file open once, not per DataItem

    def problem(self, msg):
        self.problems.append(msg)

    def close(self):
        for f in self._files.values():
            if f is not None:
                f.close()

    def h5file(self, path):
        if path not in self._files:
            try:
                self._files[path] = h5py.File(path, "r")
            except OSError as exc:
                self.problem(f"{path}: cannot open HDF5 file ({exc})")
                self._files[path] = None  # report once, not for every step
        return self._files[path]

    def run(self):
        xdmf = self.out_dir / "fields.xdmf"
        if not xdmf.is_file():
            self.problem(f"{xdmf}: not found")
            return
        try:
            root = ET.parse(xdmf).getroot()
        except ET.ParseError as exc:
            self.problem(f"{xdmf}: not well-formed XML ({exc})")
            return

        if local(root.tag) != "Xdmf":
            self.problem(f"root element is <{local(root.tag)}>, expected <Xdmf>")
            return
        version = root.get("Version", "")
        if not version.startswith("3"):
            self.problem(f'<Xdmf Version="{version}">: expected version 3.x')

        domains = children(root, "Domain")
        if len(domains) != 1:
            self.problem(f"expected exactly one <Domain>, found {len(domains)}")
            if not domains:
                return
        collections = [
            g for g in children(domains[0], "Grid")
            if g.get("GridType") == "Collection" and g.get("CollectionType") == "Temporal"
        ]
        if len(collections) != 1:
            self.problem('expected one <Grid GridType="Collection" '
                         f'CollectionType="Temporal"> in <Domain>, found {len(collections)}')
            if not collections:
                return

        prev_time = None
        for grid in children(collections[0], "Grid"):
            name = grid.get("Name", f"#{self.n_steps}")
            self.n_steps += 1
            if grid.get("GridType", "Uniform") != "Uniform":
                self.problem(f"grid {name}: GridType={grid.get('GridType')}, expected Uniform")
            times = children(grid, "Time")
            if len(times) != 1:
                self.problem(f"grid {name}: expected one <Time>, found {len(times)}")
            else:
                try:
                    t = float(times[0].get("Value"))
                except (TypeError, ValueError):
                    self.problem(f"grid {name}: <Time> has no numeric Value")
                else:
                    # Readers index steps by time; a repeat or step backwards
                    # (e.g. a botched restart append) makes frames vanish.
                    if prev_time is not None and t <= prev_time:
                        self.problem(f"grid {name}: Time {t:g} does not increase "
                                     f"(previous {prev_time:g})")
                    prev_time = t
            for item in grid.iter():
                if local(item.tag) == "DataItem" and item.get("Format", "XML").upper() == "HDF":
                    self.check_item(name, item, xdmf.parent)
        if self.n_steps == 0:
            self.problem("temporal collection contains no time steps")

    def check_item(self, grid_name, item, base):
        self.n_datasets += 1
        ref = (item.text or "").strip()
        where = f"grid {grid_name}: {ref or '<empty DataItem>'}"
        # The dataset path starts with "/", so split at the first ":/" rather
        # than at any colon.
        fname, sep, dset = ref.partition(":/")
        if not sep or not fname:
            self.problem(f"{where}: expected 'file.h5:/dataset'")
            return
        dset = "/" + dset

        try:
            dims = tuple(int(d) for d in item.get("Dimensions", "").split())
        except ValueError:
            dims = ()
        if not dims:
            self.problem(f"{where}: missing or non-integer Dimensions "
                         f"'{item.get('Dimensions')}'")

        path = Path(fname)
        if not path.is_absolute():
            path = base / path
        if not path.is_file():
            self.problem(f"{where}: HDF5 file {path} not found")
            return
        f = self.h5file(path)
        if f is None:
            return
        obj = f.get(dset)
        if obj is None:
            self.problem(f"{where}: dataset {dset} not in {path.name}")
            return
        if not isinstance(obj, h5py.Dataset):
            self.problem(f"{where}: {dset} is a {type(obj).__name__}, not a dataset")
            return

        # 2-D fields are declared 1 x ny x nx (a one-cell slab, so ParaView keeps x and y in
        # place) over [ny][nx] datasets: leading 1s do not change the data.
        def squeezed(shape):
            shape = tuple(shape)
            while len(shape) > 1 and shape[0] == 1:
                shape = shape[1:]
            return shape
        if dims and squeezed(obj.shape) != squeezed(dims):
            self.problem(f"{where}: shape {obj.shape} != Dimensions {dims}")
        if "units" not in obj.attrs:
            self.problem(f"{where}: no 'units' attribute")

        # Only check type metadata that is actually declared; a mismatch makes
        # readers reinterpret the raw bytes and show garbage.
        ntype = item.get("NumberType") or item.get("DataType")
        if ntype is not None:
            kind = NUMBER_KINDS.get(ntype.lower())
            if kind is None:
                self.problem(f"{where}: unknown NumberType '{ntype}'")
            elif obj.dtype.kind != kind:
                self.problem(f"{where}: NumberType {ntype} but dataset dtype is {obj.dtype}")
        precision = item.get("Precision")
        if precision is not None and precision.isdigit() and obj.dtype.itemsize != int(precision):
            self.problem(f"{where}: Precision {precision} but dataset dtype is "
                         f"{obj.dtype} ({obj.dtype.itemsize} bytes)")


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    out_dir = Path(argv[1])
    if not out_dir.is_dir():
        print(f"check_outputs: {out_dir} is not a directory", file=sys.stderr)
        return 2

    checker = Checker(out_dir)
    try:
        checker.run()
    finally:
        checker.close()

    if checker.problems:
        for p in checker.problems:
            print(f"problem: {p}")
        print(f"checked {checker.n_steps} steps, {checker.n_datasets} datasets: "
              f"{len(checker.problems)} problem(s)")
        return 1
    print(f"checked {checker.n_steps} steps, {checker.n_datasets} datasets: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
