#!/usr/bin/python3
"""bokbo_shim: serve an openpi-style policy object so that bokbo gets K samples per call.

Wraps any object with `infer(obs: dict) -> dict` holding "actions" (H, 7) (openpi's
BasePolicy; optionally `infer(obs, temperature=T)`) in openpi's websocket protocol
(msgpack, numpy maps with bin keys, metadata frame, GET /healthz, traceback + close 1011 on
an exception), plus two request keys that bokbo sends when the metadata advertises them:

  metadata   {"sampling": ["num_samples", "temperature"], ...the policy's own metadata}
  request    "num_samples": K (int)      -> reply "actions" of shape (K, H, 7): K infer calls
             "temperature": T (float)    -> passed as infer(obs, temperature=T); a policy
                                            whose infer takes no temperature raises
  reply      {"actions": ..., "server_timing": {"infer_ms": total over the K calls}}

Without those keys a request is answered exactly as openpi's own server would, so stock
clients work too. Use from Python:

    from bokbo_shim import serve
    serve(my_policy, port=8000)

or from the command line with a factory in a file:

    python3 tools/serve/bokbo_shim.py --policy my_policy.py:make --arg '...' --port 8000
"""
import argparse
import asyncio
import http
import importlib.util
import inspect
import sys
import time
import traceback

import msgpack
import numpy as np
import websockets

SAMPLING_KEYS = ["num_samples", "temperature"]


def _pack(obj):
    if isinstance(obj, np.ndarray):
        return {b"__ndarray__": True, b"data": obj.tobytes(), b"dtype": obj.dtype.str,
                b"shape": obj.shape}
    if isinstance(obj, np.generic):
        return {b"__npgeneric__": True, b"data": obj.item(), b"dtype": obj.dtype.str}
    return obj


def _unpack(obj):
    if b"__ndarray__" in obj:
        return np.ndarray(buffer=obj[b"data"], dtype=np.dtype(obj[b"dtype"]), shape=obj[b"shape"])
    if b"__npgeneric__" in obj:
        return np.dtype(obj[b"dtype"]).type(obj[b"data"])
    return obj


def packb(x):
    return msgpack.packb(x, default=_pack)


def unpackb(b):
    return msgpack.unpackb(b, object_hook=_unpack)


def answer(policy, obs):
    """One request: a plain openpi reply, or K samples stacked on a leading axis."""
    k = obs.pop("num_samples", None)
    t = obs.pop("temperature", None)
    takes_t = "temperature" in inspect.signature(policy.infer).parameters
    if t is not None and not takes_t:
        raise ValueError("this policy's infer() takes no temperature")
    kw = {"temperature": float(t)} if t is not None else {}
    t0 = time.monotonic()
    if k is None:
        out = dict(policy.infer(obs, **kw))
    else:
        outs = [policy.infer(dict(obs), **kw) for _ in range(int(k))]
        out = {"actions": np.stack([np.asarray(o["actions"]) for o in outs])}
    out["server_timing"] = {"infer_ms": (time.monotonic() - t0) * 1000}
    return out


def serve(policy, host="0.0.0.0", port=8000, metadata=None, on_ready=None):
    """Serves until cancelled. on_ready(port) is called once the socket is bound."""
    meta = dict(metadata or getattr(policy, "metadata", None) or {})
    meta["sampling"] = SAMPLING_KEYS

    async def healthz(path, headers):
        return (http.HTTPStatus.OK, [], b"OK\n") if path == "/healthz" else None

    async def handler(ws, path=None):
        await ws.send(packb(meta))
        while True:
            try:
                obs = unpackb(await ws.recv())
            except websockets.ConnectionClosed:
                return
            try:
                reply = packb(answer(policy, obs))
            except Exception:
                await ws.send(traceback.format_exc())
                await ws.close(code=1011, reason="Internal server error. Traceback included in previous frame.")
                return
            await ws.send(reply)

    async def main():
        async with websockets.serve(handler, host, port, compression=None, max_size=None,
                                    ping_interval=None, process_request=healthz) as server:
            if on_ready:
                on_ready(server.sockets[0].getsockname()[1])
            await asyncio.Future()

    asyncio.run(main())


def _load(spec, arg):
    path, _, func = spec.rpartition(":")
    mod_spec = importlib.util.spec_from_file_location("bokbo_shim_policy", path)
    mod = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(mod)
    return getattr(mod, func)(arg) if arg is not None else getattr(mod, func)()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--policy", required=True, help="FILE.py:FACTORY returning the policy object")
    ap.add_argument("--arg", help="one string handed to the factory")
    ap.add_argument("--host", default="0.0.0.0")
    ap.add_argument("--port", type=int, default=8000, help="0 picks a free port (printed)")
    a = ap.parse_args()
    serve(_load(a.policy, a.arg), a.host, a.port, on_ready=lambda p: print(p, flush=True))
    sys.exit(0)
