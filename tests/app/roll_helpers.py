"""Shared helpers for the app tests: a small song, mouse gestures on the roll, song snapshots."""
from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from latentroll.core.song import PPQ, KeySignature, Note, Song, TempoChange, TimeSignature, Track

TIMGM = Path("/usr/share/sounds/sf2/TimGM6mb.sf2")
FIXTURE_CORPUS = Path(__file__).resolve().parents[2] / "resources" / "fixtures" / "corpus_small.npz"
BAR = 4 * PPQ


def make_song() -> Song:
    """Two tracks in C major over two bars: an ascending melody and a bass."""
    melody = [Note(i * PPQ, 60 + [0, 2, 4, 5, 7, 9, 11, 12][i], PPQ, 90) for i in range(8)]
    bass = [Note(0, 48, 2 * PPQ, 80), Note(2 * PPQ, 43, 2 * PPQ, 80), Note(BAR, 45, BAR, 70)]
    return Song(
        title="Test song",
        tracks=[Track("Melody", 0, channel=0, notes=melody), Track("Bass", 32, channel=1, notes=bass)],
        tempos=[TempoChange(0, 120.0)],
        time_signatures=[TimeSignature(0, 4, 4)],
        keys=[KeySignature(0, 0, "major")],
    )


def chorale_song(bars: int = 4) -> Song:
    """The first chorale of the fixture corpus, four voices as four tracks, cut to ``bars`` bars."""
    import numpy as np

    from latentroll.core.song import NOTE_DTYPE
    from latentroll.models.data.corpus import Corpus

    tune = next(t for t in Corpus.load(FIXTURE_CORPUS).tunes if t.style == "chorale")
    tracks = []
    for v, name in enumerate(("Soprano", "Alto", "Tenor", "Bass")):
        rows = [(int(s), int(d), int(p), 80) for s, d, p, _ in tune.voice(v) if s < bars * BAR]
        tracks.append(Track(name=name, channel=v, program=52, notes=np.array(rows, dtype=NOTE_DTYPE)))
    return Song(title="Chorale", tracks=tracks, tempos=[TempoChange(0, 90.0)],
                time_signatures=[TimeSignature(0, 4, 4)], keys=[KeySignature(0, 0, "major")])


# ---- mouse helpers ---------------------------------------------------------------------
def roll_point(view, tick: float, pitch: int) -> QPoint:
    """Viewport pixel of (tick, middle of the pitch row); fails if it is off screen."""
    m = view.mapping()
    p = QPoint(int(round(m.x(tick))) + 1, int(m.pitch_y(pitch) + m.sy / 2))
    assert view.viewport().rect().contains(p), f"point {p} for tick {tick} pitch {pitch} is off screen"
    return p


def drag(widget, start: QPoint, end: QPoint, button=Qt.MouseButton.LeftButton,
         modifiers=Qt.KeyboardModifier.NoModifier, steps: int = 6) -> None:
    QTest.mousePress(widget, button, modifiers, start)
    for k in range(1, steps + 1):
        p = QPointF(start) + (QPointF(end) - QPointF(start)) * (k / steps)
        # QTest.mouseMove carries no modifiers; a real drag does (Alt to bypass snap)
        ev = QMouseEvent(QEvent.Type.MouseMove, p, widget.mapToGlobal(p), Qt.MouseButton.NoButton,
                         button, modifiers)
        QApplication.sendEvent(widget, ev)
    QTest.mouseRelease(widget, button, modifiers, end)


def click(widget, pos: QPoint, button=Qt.MouseButton.LeftButton, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.mousePress(widget, button, modifiers, pos)
    QTest.mouseRelease(widget, button, modifiers, pos)


def notes_set(track) -> set[tuple[int, int, int, int]]:
    return {(int(r["start"]), int(r["duration"]), int(r["pitch"]), int(r["velocity"])) for r in track.notes}


def frozen(song: Song) -> list:
    """A comparable picture of a song that also sees row order (undo must restore it exactly)."""
    return [(t.name, t.program, t.channel, t.is_drum, t.volume, t.pan, t.mute, t.solo, t.notes.tobytes())
            for t in song.tracks] + [song.tempos, song.time_signatures, song.keys, song.title]

