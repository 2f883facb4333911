"""The map: a 2-D projection of the model's latent space.

Corpus melodies are dots coloured by style (with a legend); the user's own styles ("My style")
are labelled pentagons at their centres; the user's clips are stars and generated ones diamonds,
placed by encoding them. Click anywhere to hear the melody the model
puts there; right-click for the library clips nearest that point (``similarRequested``: the
window hands it to the Library panel, a sibling this panel does not know); move the box over a
region and press "Sample region" for several melodies from it.
"""
from __future__ import annotations

import random

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMenu, QPushButton, QSpinBox, QVBoxLayout, QWidget

from latentroll.app.calls.explorer import PointsRequest, decode_points, project_clips, region_points
from latentroll.core.song import Track
from latentroll.models.mystyle.store import MyStyleStore

from ..clip_widgets import ClipActions
from ..clips import Clip, clip_from_track
from ..model_context import ModelContext
from ..theme import ACCENT, TEXT, TRACK_COLORS
from ..ui_steps import UiSteps
from ..workers import Worker
from .canvas import ClipCanvas
from .controls import KeyCheck, temperature_box, tool_row
from .map_plot import MapPlot

OVERLAY_DEBOUNCE_MS = 300
USER_SOURCES = ("song", "file")
LEGEND_ROOM = 0.32  # head room above the points for the legend, as a share of their height


def style_title(name: str) -> str:
    return name.replace("_", " ").capitalize()


class LatentMapTab(QWidget):
    pointsShown = Signal()     # the corpus points are drawn
    overlayChanged = Signal()  # the clips' positions are drawn
    similarRequested = Signal(float, float)  # "Library Clips Like This Point": a point of the map

    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.plot = MapPlot(self, x_label="latent axis 1", y_label="latent axis 2")
        self.legend = self.plot.legend
        self.style_items: list[pg.ScatterPlotItem] = []
        self.user_item = pg.ScatterPlotItem(symbol="star", size=16, pen=pg.mkPen("#101215"),
                                            brush=pg.mkBrush("#ffffff"), name="Your clips")
        self.generated_item = pg.ScatterPlotItem(symbol="d", size=11, pen=pg.mkPen("#101215"),
                                                 brush=pg.mkBrush("#e6e9ee"), name="Generated")
        self.picked_item = pg.ScatterPlotItem(symbol="o", size=13, pen=pg.mkPen(ACCENT, width=2),
                                              brush=pg.mkBrush(0, 0, 0, 0), name="Heard here")
        self.my_styles_item = pg.ScatterPlotItem(symbol="p", size=18, pen=pg.mkPen("#101215"),
                                                 brush=pg.mkBrush(ACCENT), name="Your styles")
        self.my_style_labels: list[pg.TextItem] = []
        self._legend_filled = False
        for item in (self.user_item, self.generated_item, self.picked_item, self.my_styles_item):
            item.setZValue(5)
        self.region = pg.RectROI((0, 0), (1, 1), pen=pg.mkPen(ACCENT, width=2), movable=True, rotatable=False)
        self.region.setZValue(6)
        self.region.setToolTip("Drag the box (or its corner handle) over a region, then press Sample region")
        self.labels: list[pg.TextItem] = []
        self.plot.scene().sigMouseClicked.connect(self._on_scene_click)
        self.message = QLabel("Click the map to hear the melody the model puts there; right-click for "
                              "the library clips like it.", self)
        self.message.setObjectName("dim")

        self.count = QSpinBox(self)
        self.count.setRange(1, 16)
        self.count.setValue(6)
        self.count.setPrefix("melodies ")
        self.temperature = temperature_box(self)
        self.in_key = KeyCheck(ctx, self)
        self.sample_button = QPushButton("Sample region", self)
        self.sample_button.setObjectName("generate")
        self.sample_button.setToolTip("Melodies from random points inside the box")
        self.sample_button.clicked.connect(self.sample_region)
        self.results = ClipCanvas(self, "Melodies you pick on the map appear here")
        self.results.setFixedHeight(96)
        self.results.clicked.connect(self._on_result_clicked)
        self.results.activated.connect(lambda i: self.ctx.insert(self.results.clip(i)))
        self.results.dragRequested.connect(lambda i: self.ctx.drag(self.results, self.results.clip(i)))
        self.actions = ClipActions(lambda: self.results.clip(self.results.selected), ctx.play, ctx.insert,
                                   ctx.keep, self)
        ctx.audition.playingChanged.connect(self.results.set_playing)

        self.message.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.message)
        lay.addLayout(tool_row(self.count, self.temperature, 1))
        lay.addLayout(tool_row(self.in_key, 1, self.sample_button))
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.results)
        lay.addWidget(self.actions)

        self._overlay_timer = QTimer(self)
        self._overlay_timer.setSingleShot(True)
        self._overlay_timer.setInterval(OVERLAY_DEBOUNCE_MS)
        self._overlay_timer.timeout.connect(self.update_overlay)
        ctx.shelf.changed.connect(self._overlay_timer.start)
        self._shown_for: object = None
        self._steps = UiSteps(self)

    # ---- the corpus ---------------------------------------------------------------------
    def show_corpus(self) -> bool:
        """Draw the model's corpus points (once per loaded model), and on the next event-loop turn
        their legend: each part is ~10 ms of pyqtgraph set-up plus a repaint, too much for one
        turn. ``pointsShown`` fires when both are done. False if the model has no map."""
        info = self.ctx.host.info(self.ctx.model_key)
        if info is None or info is self._shown_for:
            return info is not None and info.map_points is not None
        self._shown_for = info
        self._steps.cancel()
        self.plot.clear()
        self.legend.clear()
        self._legend_filled = False
        self.style_items = []
        if info.map_points is None or not len(info.map_points):
            self.message.setText(f"{info.name} ships no 2-D map.")
            return False
        pts, styles = np.asarray(info.map_points, dtype=np.float64), np.asarray(info.map_styles)
        for i, (name, _desc) in enumerate(info.styles):
            sel = styles == i
            if not sel.any():
                continue
            color = pg.mkColor(TRACK_COLORS[i % len(TRACK_COLORS)])
            color.setAlpha(150)
            item = pg.ScatterPlotItem(pts[sel, 0], pts[sel, 1], size=6, pen=None, brush=pg.mkBrush(color),
                                      name=style_title(name))
            self.plot.add(item)
            self.style_items.append(item)
        for item in (self.user_item, self.generated_item, self.picked_item, self.my_styles_item):
            self.plot.add(item)
        self.show_my_styles()
        lo, hi = pts.min(0).astype(np.float64), pts.max(0).astype(np.float64)
        size = (hi - lo) * 0.18
        centre = (lo + hi) / 2
        self.region.setPos(centre - size / 2)
        self.region.setSize(size)
        self.plot.add(self.region)
        span = np.maximum(hi - lo, 1e-6)
        self.plot.set_range((lo[0] - 0.04 * span[0], hi[0] + 0.04 * span[0]),
                            (lo[1] - 0.06 * span[1], hi[1] + LEGEND_ROOM * span[1]))
        self._steps.add(self._fill_legend)
        return True

    def _fill_legend(self) -> None:
        for item in (*self.style_items, self.user_item, self.generated_item, self.picked_item):
            self.legend.addItem(item, item.name())
        self._legend_filled = True
        self.show_my_styles()
        self.pointsShown.emit()
        self._overlay_timer.start()

    def show_my_styles(self) -> None:
        """The user's styles fitted on this model, each at its centre with its name."""
        info = self.ctx.host.info(self.ctx.model_key)
        mine = [s for s in MyStyleStore().list() if s.map_point is not None and info is not None
                and s.vae == info.name] if self.ctx.model_key == "vae" else []
        for label in self.my_style_labels:
            if label.scene() is not None:  # not already cleared with the corpus points
                self.plot.remove(label)
        self.my_style_labels = []
        pts = np.array([s.map_point for s in mine], dtype=np.float64).reshape(-1, 2)
        self.my_styles_item.setData(pts[:, 0], pts[:, 1])
        listed = any(sample.item is self.my_styles_item for sample, _label in self.legend.items)
        if self._legend_filled and bool(mine) != listed:  # in the legend while there are some
            if mine:
                self.legend.addItem(self.my_styles_item, self.my_styles_item.name())
            else:
                self.legend.removeItem(self.my_styles_item)
        for s, (x, y) in zip(mine, pts):
            label = pg.TextItem(s.name, color=TEXT, anchor=(0.5, 1.4))
            label.setPos(x, y)
            label.setZValue(6)
            self.plot.add(label, ignore_bounds=True)
            self.my_style_labels.append(label)

    @property
    def corpus_count(self) -> int:
        return sum(len(item.data) for item in self.style_items)

    # ---- clips on the map ---------------------------------------------------------------
    def update_overlay(self) -> Worker | None:
        if self._shown_for is None:
            return None
        self.show_my_styles()  # a style fitted or renamed since
        clips = list(self.ctx.shelf.clips)
        if not clips:
            self._draw_overlay([], np.zeros((0, 2)))
            return None
        return self.ctx.host.start(self.ctx.model_key, "map-overlay", project_clips, [c.track for c in clips],
                                   label="Placing clips on the map",
                                   on_result=lambda pts: self._draw_overlay(clips, pts))

    def _draw_overlay(self, clips: list[Clip], pts: np.ndarray) -> None:
        for label in self.labels:
            self.plot.remove(label)
        self.labels = []
        ok = ~np.isnan(pts).any(axis=1) if len(pts) else np.zeros(0, bool)
        user = np.array([c.source in USER_SOURCES for c in clips], dtype=bool)
        self.user_item.setData(pts[ok & user, 0], pts[ok & user, 1]) if len(pts) else self.user_item.clear()
        self.generated_item.setData(pts[ok & ~user, 0], pts[ok & ~user, 1]) if len(pts) else self.generated_item.clear()
        for clip, p, good, mine in zip(clips, pts, ok, user):
            if good and mine:
                label = pg.TextItem(clip.name, color=TEXT, anchor=(0, 1))
                label.setPos(float(p[0]), float(p[1]))
                self.plot.add(label)
                self.labels.append(label)
        self.overlayChanged.emit()

    # ---- hearing the map ----------------------------------------------------------------
    def _on_scene_click(self, event) -> None:
        buttons = (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton)
        if event.button() not in buttons or event.double() or self._shown_for is None:
            return
        vb = self.plot.vb
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        p = vb.mapSceneToView(event.scenePos())
        if event.button() == Qt.MouseButton.RightButton:
            self._point_menu(p.x(), p.y(), event.screenPos().toPoint())
        else:
            self.decode_at(np.array([[p.x(), p.y()]]))

    def _point_menu(self, x: float, y: float, at) -> None:
        menu = QMenu(self)
        menu.addAction("Hear the Melody Here", lambda: self.decode_at(np.array([[x, y]])))
        like = menu.addAction("Library Clips Like This Point", lambda: self.similarRequested.emit(x, y))
        like.setStatusTip("The clips of your music library nearest this point (by the VAE's latent)")
        menu.popup(at)
        menu.aboutToHide.connect(menu.deleteLater)

    def decode_at(self, points: np.ndarray, what: str = "point") -> Worker | None:
        req = PointsRequest(np.asarray(points, dtype=np.float64), temperature=self.temperature.value(),
                            scale=self.in_key.scale, seed=random.randrange(2**31))
        label = "Decoding the map point" if what == "point" else f"Sampling {len(req.points)} melodies"
        return self.ctx.host.start(self.ctx.model_key, "map-decode", decode_points, req, label=label,
                                   on_result=lambda tracks: self._show_results(tracks, req.points))

    def sample_region(self) -> Worker | None:
        if self._shown_for is None:
            self.ctx.notifier.info("The map is not ready yet")
            return None
        pos, size = self.region.pos(), self.region.size()
        pts = region_points(pos.x(), pos.x() + size.x(), pos.y(), pos.y() + size.y(), self.count.value(),
                            random.randrange(2**31))
        return self.decode_at(pts, what="region")

    def _show_results(self, tracks: list[Track], points: np.ndarray) -> None:
        clips = [clip_from_track(t, t.name, "map") for t in tracks]
        self.results.set_clips(clips, cols=max(len(clips), 4), clip_ticks=self.ctx.clip_ticks())
        self.picked_item.setData(points[:, 0], points[:, 1])
        self.results.set_selected(0)
        self.actions.refresh()
        if clips:
            self.ctx.play(clips[0])

    def _on_result_clicked(self, index: int) -> None:
        self.actions.refresh()
        clip = self.results.clip(index)
        if clip is not None:
            self.ctx.play(clip)
