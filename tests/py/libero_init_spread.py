"""Per-object x-y spread of LIBERO's own init states of one task.

usage: libero_init_spread.py FILE.pruned_init NOBJECTS
FILE is LIBERO's init file: a torch zip archive whose data.pkl is a pickled numpy float64
array of 50 x (1 + nq + nv) = (time, qpos, qvel). qpos holds the robot (7 arm joints, 2
fingers), then each joint of the fixtures and objects in model order; the NOBJECTS free
joints are the 7-number blocks whose last four are a unit quaternion in every state.
Prints the spreads in metres, one per line in model order (the order of the task file's
:objects): spread = sqrt(std(x)^2 + std(y)^2) over the 50 states (population standard
deviation).
"""
import pickle
import sys
import zipfile

import numpy as np


def load(path):
    with zipfile.ZipFile(path) as z:
        name = [n for n in z.namelist() if n.endswith("data.pkl")][0]
        return pickle.loads(z.read(name))


def free_blocks(a, nobj):
    # nq + nv = ncol - 1 and nq - nv = nobj (7 vs 6 numbers per free joint)
    nq = (a.shape[1] - 1 + nobj) // 2
    q = a[:, 1:1 + nq]
    blocks, k = [], 9
    while k < nq and len(blocks) < nobj:
        if k + 7 <= nq and np.allclose(np.linalg.norm(q[:, k + 3:k + 7], axis=1), 1, atol=1e-6):
            blocks.append(q[:, k:k + 7])
            k += 7
        else:
            k += 1  # a fixture's slide or hinge joint
    assert len(blocks) == nobj, (len(blocks), nobj)
    return blocks


def main():
    a = load(sys.argv[1])
    spreads = [float(np.hypot(b[:, 0].std(), b[:, 1].std()))
               for b in free_blocks(a, int(sys.argv[2]))]
    for s in spreads:
        print(f"{s:.6f}")


if __name__ == "__main__":
    main()
