"""The candidate list under a model panel: newest first, each a card to hear, accept or drag out.

The Generate panel and the Model Tools panel both show their results here; what Accept and ▶
do is up to the panel (insert a clip at the playhead, add a continuation to its track…).
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from .clip_widgets import CardOptions, ClipCard
from .clips import Clip
from .model_context import ModelContext

MAX_CARDS = 32


class CandidateList(QWidget):
    def __init__(self, ctx: ModelContext, hint: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.cards: list[ClipCard] = []
        self.label = QLabel("Candidates", self)
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.clicked.connect(self.clear)
        self.clear_button.setToolTip("Remove the candidates from this list")
        self.empty_hint = QLabel(hint, self)
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setObjectName("dim")
        self.card_box = QWidget()
        self.card_layout = QVBoxLayout(self.card_box)
        self.card_layout.setContentsMargins(0, 0, 0, 0)
        self.card_layout.setSpacing(6)
        self.card_layout.addWidget(self.empty_hint)
        self.card_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.card_box)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        head = QHBoxLayout()
        head.addWidget(self.label, 1)
        head.addWidget(self.clear_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(head)
        lay.addWidget(scroll, 1)
        ctx.audition.playingChanged.connect(self._on_playing)

    def add(self, clips: list[Clip], accept: Callable[[Clip, bool], None],
            play: Callable[[Clip], None] | None = None, options: list[CardOptions] | None = None) -> list[ClipCard]:
        """Put cards for ``clips`` at the top (in order); the oldest beyond ``MAX_CARDS`` go."""
        clip_ticks = self.ctx.clip_ticks()
        play = play or self.ctx.play
        self.empty_hint.hide()
        added = []
        for i, clip in enumerate(clips):
            card = ClipCard(clip, clip_ticks, self.card_box, options[i] if options else CardOptions())
            card.playRequested.connect(play)
            card.acceptRequested.connect(accept)
            card.dragRequested.connect(lambda c, w=card: self.ctx.drag(w, c))
            self.card_layout.insertWidget(i, card)
            added.append(card)
        self.cards[:0] = added
        for card in self.cards[MAX_CARDS:]:
            card.deleteLater()
        del self.cards[MAX_CARDS:]
        self.label.setText(f"Candidates ({len(self.cards)})")
        return added

    def clear(self) -> None:
        for card in self.cards:
            card.deleteLater()
        self.cards.clear()
        self.empty_hint.show()
        self.label.setText("Candidates")

    def _on_playing(self, uid) -> None:
        for card in self.cards:
            before = card.options.before
            card.set_playing(uid is not None and uid in (card.clip.uid, before.uid if before else None))
