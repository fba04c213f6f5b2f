#!/usr/bin/python3
"""A real openpi-protocol policy server for bokbo's tests (websocket + msgpack).

Speaks what openpi's serving/websocket_policy_server.py speaks: a metadata frame on
connect, then one msgpack observation -> one msgpack reply, arrays as numpy maps with bin
keys; GET /healthz answers 200; an exception is a text frame with the traceback and close
code 1011. The actions replay an episode's executed actions (bokbo run --log-actions), so
that a remote episode can be checked against the in-process one, step for step.

Faults for the tests (--fault, at decision --fault-at of a connection, on the first
--fault-times connections; -1 = all): error, drop (connection aborted), exit (the server
process ends), delay (--delay seconds, blocking like a model), garbage, nan, shape, strkeys.
Prints the bound port on stdout, then serves until killed."""
import argparse
import asyncio
import http
import json
import os
import sys
import time
import traceback

import msgpack
import numpy as np
import websockets


def pack_array(obj):
    """openpi's numpy map: four bin keys."""
    if isinstance(obj, np.ndarray):
        return {b"__ndarray__": True, b"data": obj.tobytes(), b"dtype": obj.dtype.str,
                b"shape": obj.shape}
    return obj


def unpack_array(obj):
    if b"__ndarray__" in obj:
        return np.ndarray(buffer=obj[b"data"], dtype=np.dtype(obj[b"dtype"]), shape=obj[b"shape"])
    return obj


def packb(x):
    return msgpack.packb(x, default=pack_array)


def unpackb(b):
    return msgpack.unpackb(b, object_hook=unpack_array)


class Replay:
    def __init__(self, path, horizon, open_loop, dtype):
        rec = json.loads(open(path).readline())
        self.actions = np.array(rec["actions"], dtype=np.float64)
        self.horizon, self.open_loop, self.dtype = horizon, open_loop, dtype

    def chunk(self, decision):
        a = self.actions[decision * self.open_loop:decision * self.open_loop + self.horizon]
        if len(a) < self.horizon:  # past the end: hold the last action
            pad = np.repeat(self.actions[-1:], self.horizon - len(a), axis=0)
            a = np.concatenate([a, pad])
        return a.astype(self.dtype)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--replay", required=True)
    ap.add_argument("--horizon", type=int, default=10)
    ap.add_argument("--open-loop", type=int, default=5)
    ap.add_argument("--dtype", default="<f8")
    ap.add_argument("--fault", default="none")
    ap.add_argument("--fault-at", type=int, default=0)
    ap.add_argument("--fault-times", type=int, default=-1)
    ap.add_argument("--delay", type=float, default=0)
    ap.add_argument("--slow", type=float, default=0, help="seconds every reply takes")
    ap.add_argument("--metadata", default="{}")
    ap.add_argument("--dump", help="file for the first observation (npz) and request log")
    ap.add_argument("--expect-key", help="refuse (401) a connection without Authorization: Api-Key KEY")
    args = ap.parse_args()
    replay = Replay(args.replay, args.horizon, args.open_loop, args.dtype)
    state = {"connections": 0}

    def fault_now(conn, decision):
        return (args.fault != "none" and decision == args.fault_at and
                (args.fault_times < 0 or conn < args.fault_times))

    async def healthz(path, headers):
        if path == "/healthz":
            return http.HTTPStatus.OK, [], b"OK\n"
        if args.expect_key and headers.get("Authorization") != "Api-Key " + args.expect_key:
            return http.HTTPStatus.UNAUTHORIZED, [], b"no key\n"
        return None

    async def handler(ws, path=None):
        conn = state["connections"]
        state["connections"] += 1
        await ws.send(packb(json.loads(args.metadata)))
        decision = 0
        while True:
            try:
                obs = unpackb(await ws.recv())
            except websockets.ConnectionClosed:
                return
            if args.dump and conn == 0 and decision == 0:
                np.savez(args.dump, image=obs["observation/image"], wrist=obs["observation/wrist_image"],
                         state=obs["observation/state"], prompt=obs["prompt"],
                         keys=np.array(sorted(obs.keys())))
            t0 = time.monotonic()
            time.sleep(args.slow)
            try:
                if fault_now(conn, decision):
                    reply = await fault(ws, args, replay, decision)
                    if reply is None:
                        return
                else:
                    reply = {"actions": replay.chunk(decision)}
            except Exception:
                await ws.send(traceback.format_exc())
                await ws.close(code=1011, reason="Internal server error. Traceback included in previous frame.")
                return
            ms = (time.monotonic() - t0) * 1000
            if isinstance(reply, dict):
                reply["policy_timing"] = {"infer_ms": ms}
                reply["server_timing"] = {"infer_ms": ms}
                reply = packb(reply)
            await ws.send(reply)
            decision += 1

    async def serve():
        async with websockets.serve(handler, "127.0.0.1", args.port, compression=None,
                                    max_size=None, ping_interval=None,
                                    process_request=healthz) as server:
            print(server.sockets[0].getsockname()[1], flush=True)
            await asyncio.Future()

    asyncio.run(serve())


async def fault(ws, args, replay, decision):
    """The reply (dict or bytes) of a faulty decision, or None when the connection ends."""
    f = args.fault
    if f == "error":
        raise RuntimeError("model exploded at decision %d" % decision)
    if f == "drop":
        ws.transport.abort()
        return None
    if f == "exit":
        os._exit(3)
    if f == "delay":
        time.sleep(args.delay)  # a model blocking the event loop: no pongs either
        return {"actions": replay.chunk(decision)}
    if f == "garbage":
        return b"\xc1\xc1 not msgpack"
    if f == "nan":
        a = replay.chunk(decision)
        a[1, 2] = np.nan
        return {"actions": a}
    if f == "shape":
        return {"actions": replay.chunk(decision)[:, :6].copy()}
    if f == "strkeys":
        a = replay.chunk(decision)
        return msgpack.packb({"actions": {"__ndarray__": True, "data": a.tobytes(),
                                          "dtype": a.dtype.str, "shape": a.shape}})
    raise SystemExit("unknown fault " + f)


if __name__ == "__main__":
    sys.exit(main())
