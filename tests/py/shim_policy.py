"""A test policy object for tools/serve/bokbo_shim.py: replays an episode's executed
actions (bokbo run --log-actions) in chunks of 10, 5 consumed per call (openpi's LIBERO
client), plus Gaussian noise of scale 0.02 * temperature (0.02 with no temperature), from
a generator seeded once, so that K samples differ."""
import json

import numpy as np


class NoisyReplay:
    metadata = {"policy": "noisy-replay"}

    def __init__(self, path):
        self.actions = np.array(json.loads(open(path).readline())["actions"])
        self.rng = np.random.default_rng(7)

    def infer(self, obs, temperature=1.0):
        a = self.actions[:10]
        if len(a) < 10:
            a = np.concatenate([a, np.repeat(self.actions[-1:], 10 - len(a), axis=0)])
        noise = self.rng.normal(0, 0.02 * temperature, a.shape)
        noise[:, 6] = 0
        return {"actions": np.clip(a + noise, -1, 1)}


def make(path):
    return NoisyReplay(path)
