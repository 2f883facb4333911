"""The piano-roll canvas: a QGraphicsView holding the single NotesItem.

It paints the background grid, the playhead/selection box and the marks for notes out of
sight above or below (``offscreen.py``) itself (device pixels), turns mouse events into
gestures (``gestures.py``), zooms with Ctrl+wheel (time) and Ctrl+Alt+wheel
(pitch), scrolls with the wheel (Shift+wheel: sideways) and follows the playhead. A drum track is shown on its kit rows (``lanes.py``): the view swaps
the rows, fits them to its height and gives the pitched tracks their scroll and zoom back.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QTransform, QWheelEvent
from PySide6.QtWidgets import QFrame, QGraphicsScene, QGraphicsView

from latentroll.core.bars import snap_tick
from latentroll.core.song import PPQ

from ..document import Document
from ..editor_state import EditorState
from ..theme import ROLL
from ..undo import ChangeSet
from . import background
from .gestures import EDGE_PX, Gesture, RollEvent, begin_gesture, hit_note
from .lanes import PITCH_LANES, Lanes, lanes_for
from .mapping import Mapping
from .notes_item import NotesItem
from .offscreen import Hidden, Mark, OffscreenNotes, marks, paint_marks, scroll_target

MIN_SX, MAX_SX = 0.0005, 2.0  # pixels per tick (0.0005: ~1 px per 4/4 bar)
MIN_SY, MAX_SY = 4.0, 40.0  # pixels per pitch row
DEFAULT_SX, DEFAULT_SY = 0.1, 14.0
EXTRA_BARS = 8  # room to draw after the last note
DRUM_MAX_SY = MAX_SY  # the kit rows fill the height up to this many pixels each


class PianoRollView(QGraphicsView):
    viewChanged = Signal()  # scrolled or zoomed: keyboard, ruler and lane repaint
    message = Signal(str)

    def __init__(self, document: Document, state: EditorState, parent=None):
        super().__init__(parent)
        self.doc = document
        self.state = state
        self.auditioner = None  # callable(pitch, velocity) set by the window
        self._scene = QGraphicsScene(self)
        self.setScene(self._scene)
        self.notes_item = NotesItem(state)
        self._scene.addItem(self.notes_item)
        self._gesture: Gesture | None = None
        self._rubber: QRectF | None = None
        self._playhead_drawn: int | None = None  # the tick whose line is on screen
        self.offscreen = OffscreenNotes()  # counts the notes above and below the visible rows
        self.lanes: Lanes = PITCH_LANES  # the current track's rows (kit pieces for a drum track)
        self._pitch_view: tuple[float, int] | None = None  # row zoom and scroll to restore after drums
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing, True)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setTransform(QTransform.fromScale(DEFAULT_SX, DEFAULT_SY))
        for bar in (self.horizontalScrollBar(), self.verticalScrollBar()):
            bar.valueChanged.connect(self.viewChanged)
            bar.valueChanged.connect(self._update_edges)  # the marks stay put while the notes scroll
        document.changed.connect(self._on_doc_changed)
        document.songReplaced.connect(self._on_song_replaced)
        for sig in (state.selectionChanged, state.trackChanged, state.viewOptionsChanged,
                    state.scaleChanged, state.gridChanged, state.loopChanged):
            sig.connect(self.refresh)
        for sig in (state.trackChanged, state.viewOptionsChanged):  # which tracks the marks count
            sig.connect(lambda *_a: self.offscreen.invalidate())
        state.playheadChanged.connect(self._on_playhead)
        state.revealRequested.connect(self.reveal)
        state.toolChanged.connect(lambda _t: self._update_cursor(None))
        self._update_extent()

    # ---- mapping -----------------------------------------------------------------------
    def mapping(self) -> Mapping:
        return Mapping.from_transform(self.viewportTransform())

    def roll_event(self, pos: QPointF, button, modifiers) -> RollEvent:
        m = self.mapping()
        row = (pos.y() - m.dy) / m.sy
        if self.lanes.drum:
            pitch = self.lanes.pitch_of(int(math.floor(row)))
            pitch = -1 if pitch is None else pitch
        else:
            pitch = m.pitch_at(pos.y())
        return RollEvent(m.tick(pos.x()), row, pitch, QPointF(pos), button, modifiers)

    def snap(self, tick: float, ev: RollEvent, mode: str = "round") -> int:
        if ev.alt:
            return max(0, int(round(tick)))
        return snap_tick(self.doc.song, tick, self.state.grid_ticks, mode)

    def audition(self, pitch: int, velocity: int) -> None:
        if self.auditioner is not None:
            self.auditioner(pitch, velocity)

    # ---- refresh -----------------------------------------------------------------------
    def refresh(self, *_args) -> None:
        self._sync_lanes()
        self.viewport().update()
        self.viewChanged.emit()

    def _sync_lanes(self) -> None:
        """Follow the current track's rows; entering the drum lane fits its rows to the height,
        leaving it brings back the pitched view as it was."""
        lanes = lanes_for(self.state.track)
        if lanes == self.lanes:
            return
        was_drum, self.lanes = self.lanes.drum, lanes
        self.notes_item.lanes = lanes
        self._update_extent()
        bar = self.verticalScrollBar()
        if lanes.drum and not was_drum:
            self._pitch_view = (self.transform().m22(), bar.value())
            sy = min(max(self.viewport().height() / lanes.count, MIN_SY), DRUM_MAX_SY)
            self.setTransform(QTransform.fromScale(self.transform().m11(), sy))
            bar.setValue(bar.minimum())
        elif was_drum and not lanes.drum and self._pitch_view is not None:
            sy, value = self._pitch_view
            self.setTransform(QTransform.fromScale(self.transform().m11(), sy))
            bar.setValue(value)
    def _on_doc_changed(self, changes: ChangeSet) -> None:
        self.offscreen.invalidate()
        self._update_extent()
        self.refresh()

    def _on_song_replaced(self) -> None:
        self.offscreen.invalidate()
        self._sync_lanes()
        self._update_extent()
        self.show_notes()
        self.refresh()

    def _update_extent(self) -> None:
        song = self.doc.song
        bars = song.bar_count()
        self._song_end = song.bar_start(bars) if song.end_tick() else 0  # painted every frame: cached
        end = song.bar_start(bars + EXTRA_BARS)
        self.notes_item.set_extent(end)
        self._scene.setSceneRect(QRectF(0, 0, end, self.lanes.count))

    def song_end_tick(self) -> int:
        """End of the song's last bar (0 for an empty song)."""
        return self._song_end

    # ---- zoom and scroll ---------------------------------------------------------------
    def set_zoom(self, sx: float | None = None, sy: float | None = None, anchor: QPointF | None = None) -> None:
        t = self.transform()
        sx = float(np.clip(sx if sx is not None else t.m11(), MIN_SX, MAX_SX))
        sy = float(np.clip(sy if sy is not None else t.m22(), MIN_SY, MAX_SY))
        if anchor is None:
            anchor = QPointF(self.viewport().width() / 2, self.viewport().height() / 2)
        scene_pt = self.mapToScene(anchor.toPoint())
        self.setTransform(QTransform.fromScale(sx, sy))
        now = self.mapFromScene(scene_pt)
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + now.x() - int(anchor.x()))
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + now.y() - int(anchor.y()))
        self.refresh()

    def zoom_by(self, fx: float = 1.0, fy: float = 1.0, anchor: QPointF | None = None) -> None:
        t = self.transform()
        self.set_zoom(t.m11() * fx, t.m22() * fy, anchor)

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta().y() or event.angleDelta().x()
        mods = event.modifiers()
        if mods & Qt.KeyboardModifier.ControlModifier:
            factor = 1.15 ** (delta / 120)
            if mods & Qt.KeyboardModifier.AltModifier:
                self.zoom_by(fy=factor, anchor=event.position())
            else:
                self.zoom_by(fx=factor, anchor=event.position())
            event.accept()
            return
        if mods & Qt.KeyboardModifier.ShiftModifier:
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - int(delta))
            event.accept()
            return
        super().wheelEvent(event)

    def scroll_to_tick(self, tick: int, fraction: float = 0.1) -> None:
        """Scroll so ``tick`` sits ``fraction`` of the width from the left edge."""
        m = self.mapping()
        x = m.x(tick) - self.viewport().width() * fraction
        bar = self.horizontalScrollBar()
        bar.setValue(bar.value() + int(x))

    def reveal(self, start: int, end: int) -> None:
        """Scroll sideways, as little as needed, so the span from ``start`` to ``end`` is on
        screen (a continuation keeps the music before it in view); a span wider than the
        screen shows its start."""
        m = self.mapping()
        width = self.viewport().width()
        left, right = m.x(start), m.x(end)
        if left >= 0 and right <= width:
            return
        if left < 0 or right - left > 0.9 * width:
            self.scroll_to_tick(start, 0.05)
        else:
            self.scroll_to_tick(end, 0.95)

    def show_notes(self) -> None:
        """Center vertically on the notes of the current track (or middle C) and go to bar 1."""
        if self.lanes.drum:
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().minimum())
            self.verticalScrollBar().setValue(self.verticalScrollBar().minimum())
            return
        song = self.doc.song
        pitches = np.concatenate([t.notes["pitch"] for t in song.tracks]) if song.tracks else np.zeros(0)
        center = float(np.median(pitches)) if len(pitches) else 60.0
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().minimum())
        m = self.mapping()
        y = m.pitch_y(center) - self.viewport().height() / 2
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + int(y))

    def offscreen_marks(self) -> list[Mark]:
        """The "▲ n notes above" / "▼ n notes below" pills to show now (viewport pixels); none
        on the drum lane, whose few rows scroll like a list."""
        if self.lanes.drum:
            return []
        vp = self.viewport()
        st = self.state
        hidden = self.offscreen.hidden(self.doc.song, st.current_track, st.view.ghost_notes, self.mapping(),
                                       vp.width(), vp.height())
        return marks(hidden, self.fontMetrics(), vp.width(), vp.height()) if hidden else []

    def _mark_at(self, pos: QPointF) -> Mark | None:
        return next((mk for mk in self.offscreen_marks() if mk.rect.contains(pos)), None)

    def show_hidden(self, hidden: Hidden) -> None:
        """Scroll up or down to notes that were out of sight."""
        m = self.mapping()
        height = self.viewport().height()
        y = m.pitch_y(scroll_target(hidden, height / m.sy)) + m.sy / 2 - height / 2
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + round(y))

    def _update_edges(self) -> None:
        vp = self.viewport()
        strip = self.fontMetrics().height() + 12  # a pill and its margins
        vp.update(QRect(0, 0, vp.width(), strip))
        vp.update(QRect(0, vp.height() - strip, vp.width(), strip))

    def fit_song(self) -> None:
        """Zoom time so the whole song fits the width."""
        end = max(self.song_end_tick(), 4 * PPQ * 4)
        self.set_zoom(sx=self.viewport().width() * 0.95 / end)
        self.horizontalScrollBar().setValue(0)

    def resizeEvent(self, event) -> None:
        """Keep the pitch at the middle in the middle when the height changes (a dock opening
        under the roll would otherwise leave its top rows, often empty, on screen)."""
        dh = event.size().height() - event.oldSize().height()
        row = None
        if event.oldSize().height() > 0 and dh:
            m = self.mapping()
            row = ((self.viewport().height() - dh) / 2 - m.dy) / m.sy
        super().resizeEvent(event)
        if row is not None:
            y = self.mapping().row_y(row) - self.viewport().height() / 2
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + round(y))

    # ---- playhead ----------------------------------------------------------------------
    def _on_playhead(self, tick: int) -> None:
        m = self.mapping()
        x = m.x(tick)
        vp = self.viewport()
        if self.state.view.follow_playhead and not self._gesture and (x < 0 or x > vp.width() - 4):
            self.scroll_to_tick(tick, 0.05)
            m = self.mapping()
        # The old line is where its tick maps now: a zoom or scroll since moved it on screen.
        for old in (self._playhead_drawn, tick):
            if old is not None:
                vp.update(QRect(int(math.floor(m.x(old))) - 2, 0, 5, vp.height()))
        self._playhead_drawn = tick

    def set_rubber_band(self, rect: QRectF | None) -> None:
        self._rubber = rect
        self.viewport().update()

    # ---- painting ----------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        m = Mapping.from_transform(painter.worldTransform())
        device = painter.worldTransform().mapRect(rect)
        painter.save()
        painter.resetTransform()
        scale = self.state.scale if self.state.view.scale_highlight else None
        background.paint_rows(painter, m, device, scale, self.lanes)
        background.paint_time_lines(painter, m, device, self.doc.song, self.state.grid_ticks)
        loop = (self.state.loop_start, self.state.loop_end) if self.state.loop_enabled else None
        background.paint_regions(painter, m, device, self.song_end_tick(), loop)
        painter.restore()

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        m = Mapping.from_transform(painter.worldTransform())
        painter.save()
        painter.resetTransform()
        x = math.floor(m.x(self.state.playhead))
        painter.fillRect(QRectF(x - 1, 0, 2, self.viewport().height()), ROLL.playhead)
        if self._rubber is not None:
            painter.setPen(ROLL.rubber_band_edge)
            painter.setBrush(ROLL.rubber_band)
            painter.drawRect(self._rubber)
        paint_marks(painter, self.offscreen_marks())
        painter.restore()

    # ---- mouse -------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        mark = self._mark_at(event.position()) if self._gesture is None else None
        if mark is not None and event.button() == Qt.MouseButton.LeftButton:
            self.show_hidden(mark.hidden)
            event.accept()
            return
        if self._gesture is not None:
            self._gesture.cancel()
        ev = self.roll_event(event.position(), event.button(), event.modifiers())
        self._gesture = begin_gesture(self, ev)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        ev = self.roll_event(event.position(), event.buttons(), event.modifiers())
        if self._gesture is not None:
            self._gesture.move(ev)
        else:
            self._update_cursor(ev)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        gesture, self._gesture = self._gesture, None
        if gesture is not None:
            gesture.release(self.roll_event(event.position(), event.button(), event.modifiers()))
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.mousePressEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self._gesture is not None:
            self._gesture.cancel()
            self._gesture = None
            event.accept()
            return
        super().keyPressEvent(event)

    def _update_cursor(self, ev: RollEvent | None) -> None:
        shape = {"draw": Qt.CursorShape.CrossCursor, "select": Qt.CursorShape.ArrowCursor,
                 "erase": Qt.CursorShape.PointingHandCursor}[self.state.tool]
        track = self.state.track
        if ev is not None and self._mark_at(ev.pos) is not None:
            shape = Qt.CursorShape.PointingHandCursor
        elif ev is not None and track is not None and self.state.tool != "erase":
            row, zone = hit_note(track.notes, ev.tick, ev.lane_row, EDGE_PX / self.mapping().sx, self.lanes)
            if row >= 0:
                shape = Qt.CursorShape.SizeHorCursor if zone == "resize" else Qt.CursorShape.SizeAllCursor
        self.viewport().setCursor(shape)
