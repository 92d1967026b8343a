"""Run a post-processing script inside the project venv (.venv, made by Scripts/venv.sh).

`python3 Scripts/plot_sweep.py ...` works with any Python 3: when the running interpreter is not
the venv's, this creates the venv if needed (numpy, h5py, matplotlib) and re-executes the script
with it, so users never install packages by hand.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".venv")


def ensure():
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    subprocess.run(["bash", os.path.join(ROOT, "Scripts", "venv.sh")], check=True)
    python = os.path.join(VENV, "bin", "python")
    os.execv(python, [python] + sys.argv)
