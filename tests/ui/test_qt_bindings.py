"""Guards against known bugs in the Qt bindings that would hurt Moments."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    value = Signal(object)


def test_a_bool_through_an_object_signal_keeps_its_reference(qapp) -> None:
    """PySide6 6.12.0 loses a reference to True on every such emit; on Python 3.11 the
    interpreter then aborts at exit ("bool_dealloc"). pyproject.toml keeps that version out."""
    emitter = _Emitter()
    received: list[object] = []
    emitter.value.connect(received.append)
    before = sys.getrefcount(True)
    for _ in range(50):
        emitter.value.emit(True)
    received.clear()
    assert sys.getrefcount(True) >= before
