"""Fixtures for the desktop app tests: an offscreen Qt platform, a main-window factory that
points the app at a temporary home, and a leak check after every test (no stray top-level
widgets, no running worker threads)."""
import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt

import sys  # noqa: E402
import threading  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from shiboken6 import getCppPointer  # noqa: E402

from latentroll.core.song import Song  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))  # the tests' shared helpers module
from roll_helpers import make_song  # noqa: E402


def _flush_deletes() -> None:
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()


@pytest.fixture(autouse=True)
def leak_check(qapp):
    """Fails a test that leaves top-level widgets or busy threads behind."""
    before_widgets = {getCppPointer(w)[0] for w in QApplication.topLevelWidgets()}  # id() of wrappers is reused
    before_threads = {t.ident for t in threading.enumerate() if not isinstance(t, threading._DummyThread)}
    yield
    # workers first: a finishing worker may still post deleteLater()s for the flush to run
    assert QThreadPool.globalInstance().waitForDone(10000)
    _flush_deletes()
    leaked = [w for w in QApplication.topLevelWidgets() if getCppPointer(w)[0] not in before_widgets]
    described = [(type(w).__name__, w.windowTitle(), type(w.parent()).__name__) for w in leaked]
    assert not leaked, f"leaked top-level widgets (type, title, parent): {described}"
    new = [t for t in threading.enumerate()
           if t.ident not in before_threads and not isinstance(t, threading._DummyThread)]
    for t in new:  # a thread on its way out gets a moment; a stuck one still fails the test
        t.join(timeout=5)
    threads = [t for t in new if t.is_alive()]
    assert not threads, f"leaked threads: {threads}"


@pytest.fixture
def make_window(qtbot, tmp_path, leak_check):
    """``make_window(song=None, **kwargs)`` → a shown MainWindow with its own temporary home,
    under the interpreter settings the app's ``run()`` sets (``UiInterpreter``)."""
    from latentroll.app.gui.gc_control import UiInterpreter
    from latentroll.app.gui.main_window import MainWindow
    from latentroll.app.gui.paths import AppPaths

    windows = []
    interpreters = []

    def factory(song: Song | None = None, **kwargs):
        kwargs.setdefault("paths", AppPaths.under(tmp_path / f"home{len(windows)}"))
        kwargs.setdefault("dialogs", False)
        kwargs.setdefault("probe_audio", False)
        kwargs.setdefault("check_recovery", False)
        interpreters.append(UiInterpreter())
        w = MainWindow(**kwargs)
        w.files.ask_unsaved = lambda: "discard"
        w.soundfont_prompt = lambda reason: None
        w.resize(1300, 800)
        w.show()
        qtbot.waitExposed(w)
        if song is not None:
            w.doc.replace(song)
            w.after_load(None)
            QCoreApplication.processEvents()
        windows.append(w)
        return w

    yield factory
    for w in windows:
        w.files.ask_unsaved = lambda: "discard"
        w.doc.undo_stack.setClean()
        w._closing_ok = True
        w.close()
        assert not w.isVisible()
        w.deleteLater()
    for interpreter in reversed(interpreters):
        interpreter.restore()
    _flush_deletes()


@pytest.fixture
def window(make_window):
    return make_window(make_song())


# ---- the model panels ------------------------------------------------------------------
FIXTURE_CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "resources", "fixtures", "corpus_small.npz")


def _tiny_vae(tmp_path_factory, config: str):
    import torch

    from latentroll.models.data.corpus import Corpus
    from latentroll.models.vae.config import get_config
    from latentroll.models.vae.export import export_model
    from latentroll.models.vae.train import melody_data, train_vae

    run = tmp_path_factory.mktemp(config)
    corpus = Corpus.load(FIXTURE_CORPUS)
    cfg = get_config(config, epochs=1)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny matrices: extra threads only contend with the UI and the trainer
    try:
        train_vae(cfg, run, corpus=corpus, max_steps=60)
        return export_model(run / "last", cfg, melody_data(corpus, cfg), run / "model")
    finally:
        torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def tiny_vae_dir(tmp_path_factory):
    """A tiny 2-bar melody VAE trained for a few seconds on the fixture corpus and exported like
    the shipped one (weights, config, latent stats). The model panels' tests use it, never the
    shipped weights."""
    return _tiny_vae(tmp_path_factory, "tiny")


@pytest.fixture(scope="session")
def tiny_vae4_dir(tmp_path_factory):
    """The same at 4 bars (a conductor over bars): the phrase model 3-16-bar phrases go through."""
    return _tiny_vae(tmp_path_factory, "tiny_4bar_h")


@pytest.fixture
def model_window(make_window, tiny_vae_dir, tiny_vae4_dir, monkeypatch, qtbot):
    """``model_window(song=None)`` → a main window whose model panels use the tiny VAEs, with
    the Generate panel open and both melody phrase models loaded (in the model process)."""
    monkeypatch.setenv("LATENTROLL_VAE_DIR", str(tiny_vae_dir))
    monkeypatch.setenv("LATENTROLL_VAE_4BAR_DIR", str(tiny_vae4_dir))

    def factory(song: Song | None = None):
        w = make_window(song if song is not None else make_song())
        w.model_panels.show_generate()
        host = w.model_panels.host
        qtbot.waitUntil(lambda: host.ready("vae") and host.ready("vae_4bar"), timeout=60000)
        return w

    return factory


@pytest.fixture(scope="session")
def tiny_tool_dirs(tmp_path_factory):
    """Tiny LSTM, autoencoder, repair network, chorale CNN and GAN model folders (a few training steps each on
    the fixture corpus, published like the shipped ones): what the Model Tools and the GAN
    entry of the Generate panel are tested with. Keyed by the app's model key."""
    import torch

    from latentroll.models.autoencoder.config import get_config as ae_config
    from latentroll.models.autoencoder.network import MelodyAE
    from latentroll.models.autoencoder.train import train_ae
    from latentroll.models.coconet.config import get_config as cnn_config
    from latentroll.models.coconet.network import ChoraleCNN
    from latentroll.models.coconet.train import train_coconet
    from latentroll.models.common.export import load_run_weights, publish_model
    from latentroll.models.data.corpus import Corpus
    from latentroll.models.gan.config import get_config as gan_config
    from latentroll.models.gan.network import MelodyGAN
    from latentroll.models.gan.train import train_gan
    from latentroll.models.lstm.config import get_config as lstm_config
    from latentroll.models.lstm.network import MelodyLSTM
    from latentroll.models.lstm.train import train_lstm
    from latentroll.models.repair.config import get_config as repair_config
    from latentroll.models.repair.network import NoteRepairNet
    from latentroll.models.repair.train import train_note_repair

    root = tmp_path_factory.mktemp("tiny_tools")
    corpus = Corpus.load(FIXTURE_CORPUS)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    out = {}
    try:
        for key, cfg, train, net in (("lstm", lstm_config("tiny", epochs=1), train_lstm, MelodyLSTM),
                                     ("ae", ae_config("tiny", epochs=1), train_ae, MelodyAE),
                                     ("repair", repair_config("tiny", epochs=1), train_note_repair, NoteRepairNet),
                                     ("cnn", cnn_config("tiny", epochs=1), train_coconet, ChoraleCNN),
                                     ("gan", gan_config("tiny"), train_gan, MelodyGAN)):
            run = root / f"{key}_run"
            train(cfg, run, corpus=corpus, max_steps=5)
            out[key] = publish_model(load_run_weights(net(cfg), run / "last"), cfg, run / "last", root / key)
    finally:
        torch.set_num_threads(threads)
    return out


@pytest.fixture
def spy_keys(monkeypatch):
    """``spy(owner, name)`` → the list of model keys that later calls of ``owner.name`` are given
    (the first argument, after ``self`` when ``owner`` is a class); the real method still runs."""
    def spy(owner, name: str) -> list[str]:
        asked: list[str] = []
        real = getattr(owner, name)
        skip = 1 if isinstance(owner, type) else 0

        def wrapper(*args, **kwargs):
            asked.append(args[skip])
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, wrapper)
        return asked

    return spy
