"""The "Repair" service: what the app's Repair tool and ``latentroll repair`` run. Core Tracks in and out.

It is the code autoencoder's service (``models/autoencoder/service.py``: encode, decode, the
whole-melody repair) with the note-level ``NoteRepairNet`` repairing instead when it is shipped
(it repairs far more, and moves only pitches); else the code autoencoder repairs window by window.
A network shipped with ``lm_weight`` > 0 also asks the melody LSTM about its candidate fixes
(``lm_opinion.py``).
"""
from __future__ import annotations

from pathlib import Path

from latentroll.models.autoencoder.config import AEConfig
from latentroll.models.autoencoder.network import MelodyAE
from latentroll.models.autoencoder.service import MelodyAEService
from latentroll.models.common.protocol import Folders, model_folders
from latentroll.models.common.repair_margin import Repairer
from latentroll.models.common.service import load_model_folder, style_label
from latentroll.models.lstm.service import MelodyLSTMService
from latentroll.models.registry import MAIN, WEIGHTS_FILE

from .config import NoteRepairConfig
from .lm_opinion import LMOpinion
from .network import NoteRepairNet


def lm_opinion(lstm_dir: Path | None = None) -> LMOpinion | None:
    """The melody LSTM in ``lstm_dir`` (default: the shipped one) as a second opinion on repairs;
    None when it has no weights: the network then repairs alone, at its own calibrated margin."""
    lstm_dir = Path(lstm_dir) if lstm_dir else model_folders("repair")["lstm"]
    if not (lstm_dir / WEIGHTS_FILE).exists():
        return None
    lstm = MelodyLSTMService.load(lstm_dir)
    return LMOpinion(lstm.model, style_label(lstm.cfg, None))


class MelodyRepairService(MelodyAEService):
    def __init__(self, model: MelodyAE, name: str = "ae", repair_net: NoteRepairNet | None = None):
        super().__init__(model, name)
        self.repair_net = repair_net.eval() if repair_net is not None else None

    @classmethod
    def load(cls, folders: Folders | str | Path | None = None) -> "MelodyRepairService":
        """The repair network (its own folder), on the code autoencoder ("ae"), asking the melody
        LSTM ("lstm", optional) when the network was trained to. A single path names the repair
        network's folder."""
        paths = model_folders("repair", folders)
        model = load_model_folder(paths["ae"], AEConfig, MelodyAE, "ae")
        net = load_model_folder(paths[MAIN], NoteRepairConfig, NoteRepairNet, "repair")
        if net.cfg.lm_weight > 0:
            net.opinion = lm_opinion(paths["lstm"])
        return cls(model, name=net.cfg.name, repair_net=net)

    @property
    def repairer(self) -> Repairer:
        """The network ``repair`` runs: the repair network when there is one."""
        return self.repair_net if self.repair_net is not None else self.model


__all__ = ["MelodyRepairService", "lm_opinion"]
