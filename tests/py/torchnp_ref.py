"""Independent reader of LIBERO's .pruned_init files for test_torchnp: zipfile + pickle +
numpy (no torch). Prints rows, cols, then every value of the rows asked for as repr floats.

usage: torchnp_ref.py FILE ROW [ROW ...]
"""
import pickle
import sys
import zipfile


def main():
    path = sys.argv[1]
    with zipfile.ZipFile(path) as z:
        name = [n for n in z.namelist() if n.endswith("data.pkl")][0]
        arr = pickle.loads(z.read(name))
    rows, cols = arr.shape
    print(rows, cols)
    for r in sys.argv[2:]:
        print(" ".join(repr(float(x)) for x in arr[int(r)]))


if __name__ == "__main__":
    main()
