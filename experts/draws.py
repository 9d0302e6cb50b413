"""The draw itself, repeatable by anyone: `random.Random(seed)` over the snapshot's expert ids sorted ascending
picks members then reserves, in order (docs/experts.md)."""

import random


def repeat(*, seed: int, snapshot: list, size: int, reserves: int) -> tuple[list[int], list[int]]:
    """(members, reserves) as expert ids, from a draw's seed and pool snapshot ([{"id": …}, …] or ids)."""
    ids = sorted(item["id"] if isinstance(item, dict) else item for item in snapshot)
    picked = random.Random(seed).sample(ids, min(len(ids), size + reserves))  # noqa: S311 - repeatable by design
    return picked[:size], picked[size:]
