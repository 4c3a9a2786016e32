"""Random streams: one per stochastic component and purpose, from one root seed.

Every random draw in a replication comes from a :class:`numpy.random.Generator` made by
:meth:`Streams.rng` for a *stable key* such as ``"lane:kasumbalesa_dar:transit"``. The
generator is seeded by ``SeedSequence(root_seed, spawn_key=(replication, hash(key)))``:

* the same root seed and replication give the same numbers, whatever the order in which
  components are built, on whichever worker the replication runs;
* two scenarios that share a component (same id, same purpose) give it the same stream,
  so their comparison uses common random numbers; a component draws in the order lots
  reach it, so its draws meet the same lots only until the scenarios' flows through it
  first differ (a shared hub downstream of a shock gives later lots other draws);
* lots made at the same instant reach a component in the order of the scenario's
  commodities, channels, lanes and routes, so reordering those in the file gives the
  same results in distribution but not draw for draw (the order of sites, regions,
  regimes and incidents changes nothing);
* replications are independent streams of the same family.

The hash is BLAKE2b of the key, so it does not change between Python sessions.
"""

from __future__ import annotations

import hashlib

import numpy as np


def stable_hash(key: str) -> int:
    """A 64-bit integer for ``key`` that is the same in every process and session."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


class Streams:
    """The random streams of one replication.

    *seed* is the root seed of the experiment and *replication* the replication number
    (from 0). Raises ``ValueError`` if either is negative.
    """

    __slots__ = ("replication", "seed")

    def __init__(self, seed: int, replication: int) -> None:
        if seed < 0 or replication < 0:
            raise ValueError("seed and replication must be non-negative integers")
        self.seed = int(seed)
        self.replication = int(replication)

    def seed_sequence(self, key: str) -> np.random.SeedSequence:
        """The seed sequence of the stream named ``key``."""
        return np.random.SeedSequence(self.seed, spawn_key=(self.replication, stable_hash(key)))

    def rng(self, key: str) -> np.random.Generator:
        """A new generator for the stream named ``key`` (the same numbers every time)."""
        return np.random.Generator(np.random.PCG64(self.seed_sequence(key)))
