"""The chord service: suggest progressions for a melody (the learned model) and detect the chords
notes sound (the rule detector of ``core.chord_detect``). Core Songs in, core chord events out."""
from __future__ import annotations

from latentroll.core.chord_detect import DetectedChord
from latentroll.core.song import Song

from ..common.protocol import ServiceInfo
from ..common.service import NetworkService
from .config import ChordConfig
from .detect import detect
from .network import ChordTagger
from .suggest import Progression, Suggester, SuggestRequest, Weights

STYLE_TEXT = {
    "songbook": "lead sheets of the early 20th-century songbook (OpenEWLD): ii-V-I, secondary dominants",
    "chorale": "Bach chorale harmony (chords derived from the chorales): plainer, more changes",
}


class ChordService(NetworkService):
    key = "chords"
    config_cls = ChordConfig
    network_cls = ChordTagger

    def info(self) -> ServiceInfo:
        return ServiceInfo(self.name, styles=tuple(STYLE_TEXT.items()))

    def suggester(self) -> Suggester:
        return Suggester(self.model.tables(), self.model, Weights.of(self.cfg))

    def suggest(self, song: Song, n: int = 3, rhythm: str = "bar", vocab: str = "simple",
                style: str = "songbook") -> list[Progression]:
        """``n`` ranked progressions (best first) for the song's melody (its busiest track), one
        chord per bar or half bar (``rhythm``), from the ``vocab`` ("simple": major, minor,
        dominant 7th, diminished; "rich": 12 qualities), in ``style``."""
        return self.suggester().suggest(song, SuggestRequest(n, rhythm, vocab, style))

    @staticmethod
    def detect(song: Song, tracks: list[int] | None = None, per: str = "beat", start: int = 0,
               end: int | None = None, vocab: str = "rich") -> list[DetectedChord]:
        """The chords the notes of ``tracks`` (default: all) sound, per beat or bar, with a confidence."""
        return detect(song, tracks, per, start, end, vocab)
