"""Refuse to run on a Qt binding that corrupts Python's reference counts.

PySide6 6.12.0's abi3 wheels, on Python < 3.12, forget to take a reference to ``None`` when a
void C++ method returns; every such call lowers None's count and the app dies within minutes
("deallocating None"). 6.11.x is fine; on Python ≥ 3.12 None is immortal and nothing shows.
"""
from __future__ import annotations

import sys

from PySide6.QtCore import QObject

CALLS = 200


def binding_is_sound() -> bool:
    """True when void Qt calls leave ``None``'s reference count alone."""
    obj = QObject()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        obj.setObjectName("probe")
    return sys.getrefcount(None) - before > -CALLS // 2


def broken_binding_message() -> str:
    import PySide6

    return (f"PySide6 {PySide6.__version__} is broken on Python {sys.version_info.major}.{sys.version_info.minor} "
            "(it corrupts reference counts and would crash): pip install 'PySide6-Essentials<6.12'")
