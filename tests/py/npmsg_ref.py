#!/usr/bin/python3
"""Reference side of tests/test_npmsg.c, with Python's msgpack and numpy.

  npmsg_ref.py check FILE       FILE holds bokbo's observation message: decode it as
                                openpi's server does (arrays only when keys are bytes)
                                and check every value; exit 0 when all hold
  npmsg_ref.py reply DTYPE H FILE   write openpi's reply {"actions": (H, 7) DTYPE} with
                                action[i][j] = i - j / 8 into FILE
"""
import sys

import msgpack
import numpy as np


def unpack_array(obj):
    if b"__ndarray__" in obj:
        return np.ndarray(buffer=obj[b"data"], dtype=np.dtype(obj[b"dtype"]), shape=obj[b"shape"])
    return obj


def check(path):
    obs = msgpack.unpackb(open(path, "rb").read(), object_hook=unpack_array)
    assert sorted(obs) == ["observation/image", "observation/state", "observation/wrist_image", "prompt"], obs.keys()
    img, wrist = obs["observation/image"], obs["observation/wrist_image"]
    assert isinstance(img, np.ndarray) and img.dtype == np.uint8 and img.shape == (4, 4, 3), type(img)
    want = (np.arange(48) * 7 % 256).astype(np.uint8).reshape(4, 4, 3)
    assert (img == want).all() and (wrist == 255 - want).all()
    st = obs["observation/state"]
    assert st.dtype == np.float64 and st.shape == (8,) and (st == np.arange(8) * 0.25 - 1).all(), st
    assert obs["prompt"] == "put the bowl on the plate", obs["prompt"]


def reply(dtype, h, path):
    a = (np.arange(h)[:, None] - np.arange(7)[None, :] / 8).astype(dtype)
    msg = {"actions": a, "server_timing": {"infer_ms": 12.5}}
    pack = lambda o: ({b"__ndarray__": True, b"data": o.tobytes(), b"dtype": o.dtype.str,
                       b"shape": o.shape} if isinstance(o, np.ndarray) else o)
    open(path, "wb").write(msgpack.packb(msg, default=pack))


if __name__ == "__main__":
    if sys.argv[1] == "check":
        check(sys.argv[2])
    else:
        reply(sys.argv[2], int(sys.argv[3]), sys.argv[4])
