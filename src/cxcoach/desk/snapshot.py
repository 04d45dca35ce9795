"""A case's folded state, stored beside its state row so that an append folds one event, not the whole log.

The snapshot is a cache of `fold(log)`: msgpack of the `CaseState`, the
number of events folded into it and the key of the playbook rules it was
folded under (`clock_inputs(playbook).key`). It is used only when both still
hold (same key, and as many events as the row's `version`); otherwise the
desk replays the log and writes a fresh one. So a database from before
snapshots, a playbook whose clock, workflow, deadlines or calendar were
edited, or a snapshot that cannot be read all cost one replay, never a
wrong state. `case show`, reports and archives always replay the log.
"""

from __future__ import annotations

import msgspec

from ..playbook.model import Playbook
from .state import CaseState, clock_inputs


class Snapshot(msgspec.Struct, frozen=True, array_like=True):
    key: str  # the playbook rules it was folded under
    version: int  # events folded: the state row's version when it was written
    state: CaseState


_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(Snapshot)


def encode(playbook: Playbook, state: CaseState, version: int) -> bytes:
    return _encoder.encode(Snapshot(clock_inputs(playbook).key, version, state))


def decode(playbook: Playbook, blob: bytes | None, version: int) -> CaseState | None:
    """The stored state if it is the fold of `version` events under this playbook's rules; else None (replay)."""
    if blob is None:
        return None
    try:
        snapshot = _decoder.decode(blob)
    except msgspec.DecodeError:
        return None
    if snapshot.key != clock_inputs(playbook).key or snapshot.version != version:
        return None
    return snapshot.state
