#!/usr/bin/python3
"""Reference side of tests/test_oftimg.c with Pillow (Debian python3-pil).

  oftimg_ref.py lanczos SRC W H DST DW DH   Pillow's LANCZOS resize of raw RGB SRC into DST
  oftimg_ref.py jpeg SRC W H DST            JPEG quality 95 (4:2:0) encode + decode
"""
import io
import sys

from PIL import Image


def load(path, w, h):
    return Image.frombytes("RGB", (w, h), open(path, "rb").read())


if __name__ == "__main__":
    mode, src, w, h, dst = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    img = load(src, w, h)
    if mode == "lanczos":
        out = img.resize((int(sys.argv[6]), int(sys.argv[7])), Image.LANCZOS)
    else:
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=95, subsampling=2)
        out = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    open(dst, "wb").write(out.tobytes())
