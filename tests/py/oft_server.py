#!/usr/bin/python3
"""A real OpenVLA-OFT / OpenVLA deploy-protocol server for bokbo's tests (http.server).

POST /act with a JSON body whose arrays are json_numpy objects; the reply is a list of H
(7,) arrays (oft) or one (7,) array (openvla), or the JSON string "error" on any exception,
as the deploy scripts answer. Actions replay an episode's executed actions (bokbo run
--log-actions), the gripper encoded so that OFT's client post-processing
(g = -sign(2 g - 1)) gives back the executed value. An episode's start is recognised by
the state of its first request; faults (--fault error|garbage|nan|shape|delay at decision
--fault-at, on the first --fault-times episodes) test the client. Prints the port."""
import argparse
import base64
import http.server
import json
import sys
import time

import numpy as np


def to_np(o):
    return {"__numpy__": base64.b64encode(np.ascontiguousarray(o).tobytes()).decode(),
            "dtype": o.dtype.str, "shape": list(o.shape)}


def from_np(d):
    if isinstance(d, dict) and "__numpy__" in d:
        return np.frombuffer(base64.b64decode(d["__numpy__"]), dtype=np.dtype(d["dtype"])).reshape(d["shape"])
    return d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--replay", required=True)
    ap.add_argument("--mode", default="oft")
    ap.add_argument("--horizon", type=int, default=8)
    ap.add_argument("--raw-gripper", action="store_true")
    ap.add_argument("--fault", default="none")
    ap.add_argument("--fault-at", type=int, default=0)
    ap.add_argument("--fault-times", type=int, default=-1)
    ap.add_argument("--delay", type=float, default=0)
    ap.add_argument("--dump")
    ap.add_argument("--expect-key", help="answer 401 without Authorization: Api-Key KEY")
    args = ap.parse_args()
    acts = np.array(json.loads(open(args.replay).readline())["actions"], dtype=np.float64)
    if not args.raw_gripper:
        acts[:, 6] = (1 - acts[:, 6]) / 2
    st = {"first": None, "episode": -1, "decision": 0, "dumped": False}

    def chunk(h):
        i = st["decision"] * h
        a = acts[i:i + h]
        if len(a) < h:
            a = np.concatenate([a, np.repeat(acts[-1:], h - len(a), axis=0)])
        return a

    def answer(req):
        key = "full_image" if args.mode == "oft" else "image"
        img = from_np(req[key])
        state = from_np(req["state"]) if "state" in req else img[:4, :4].astype(float).ravel()
        if st["first"] is None or np.array_equal(state, st["first"]):
            st["first"], st["episode"], st["decision"] = state, st["episode"] + 1, 0
        if args.dump and not st["dumped"]:
            st["dumped"] = True
            np.savez(args.dump, keys=np.array(sorted(req.keys())), image=img,
                     wrist=from_np(req.get("wrist_image", req[key])), state=state,
                     instruction=req["instruction"])
        h = args.horizon if args.mode == "oft" else 1
        a = chunk(h)
        if (args.fault != "none" and st["decision"] == args.fault_at and
                (args.fault_times < 0 or st["episode"] < args.fault_times)):
            if args.fault == "error":
                raise RuntimeError("model exploded")
            if args.fault == "garbage":
                return b"<html>502 Bad Gateway</html>"
            if args.fault == "nan":
                a = a.copy()
                a[0, 0] = np.nan
            if args.fault == "shape":
                a = a[:, :6].copy()
            if args.fault == "delay":
                time.sleep(args.delay)
        st["decision"] += 1
        out = [to_np(x) for x in a] if args.mode == "oft" else to_np(a[0])
        return json.dumps(out).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            if args.expect_key and self.headers.get("Authorization") != "Api-Key " + args.expect_key:
                self.send_response(401)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = self.rfile.read(int(self.headers["Content-Length"]))
            try:
                reply = answer(json.loads(body))
            except Exception:
                reply = b'"error"'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *a):
            pass

    srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
