"""Precision, recall and F1 of found shot changes against the expected ones.

A change is ``(kind, first, last)``: frame indices, ``first == last`` for a cut, ``last`` the
first frame after the span for a gradual one. An expected cut is found by anything that
touches its frame ± ``tolerance``; an expected fade or dissolve by anything that touches its
span ± ``tolerance``. Each found change matches at most one expected change. With ``kind``,
only changes of that kind count on both sides, and they must agree on it. Used by the tests
and ``bench/scenes.py``, so both score the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Change = tuple[str, int, int]


@dataclass(frozen=True)
class Score:
    found: int
    expected: int
    matched: int

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(
    found: Sequence[Change],
    expected: Sequence[Change],
    *,
    tolerance: int = 1,
    kind: str | None = None,
) -> Score:
    if kind is not None:
        found = [c for c in found if c[0] == kind]
        expected = [c for c in expected if c[0] == kind]
    used: set[int] = set()
    matched = 0
    for _kind, e_first, e_last in expected:
        lo, hi = e_first - tolerance, max(e_first, e_last - 1) + tolerance
        for n, (_, f_first, f_last) in enumerate(found):
            if n in used:
                continue
            if f_first <= hi and max(f_first, f_last - 1) >= lo:
                used.add(n)
                matched += 1
                break
    return Score(len(found), len(expected), matched)
