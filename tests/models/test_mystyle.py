"""My style (models/mystyle): fitting on a few melodies, saving and reloading, names that cannot
escape the style folder, progress and cancel, and (with the shipped VAE) that samples in a
user's style sit nearer the fitted melodies than "any style" samples do."""
import numpy as np
import pytest

from latentroll.core.cancel import Cancelled
from latentroll.core.song import Track
from latentroll.models.common.errors import MelodyError
from latentroll.models.mystyle.store import MyStyleError, MyStyleStore, check_name
from latentroll.models.mystyle.train import train_my_style

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def vae():
    from latentroll.models.vae.service import MelodyVAEService

    return MelodyVAEService.load()


def melodies(corpus, style: str, n: int) -> list[Track]:
    tunes = [t for t in corpus.tunes if t.style == style][:n]
    return [t.to_song().tracks[0] for t in tunes]


def test_names_cannot_escape_or_clash(tmp_path):
    for bad in ("../evil", "a/b", "..", ".hidden", "", "   ", "x" * 41, "irish", "ANY", "a\\b", "tab\tname"):
        with pytest.raises(MyStyleError):
            check_name(bad)
    assert check_name("  my reels-2 ") == "my reels-2"
    store = MyStyleStore(tmp_path / "styles")
    assert store.list() == []
    with pytest.raises(MyStyleError, match="no style named"):
        store.delete("nothing")
    assert not (tmp_path / "evil").exists()


def test_fit_saves_reloads_renames_and_deletes(tmp_path, small_corpus, vae):
    store = MyStyleStore(tmp_path / "styles")
    tracks = melodies(small_corpus, "chorale", 4)
    seen = []
    info = train_my_style("Hymns", tracks, vae, store, progress=lambda d, t: seen.append((d, t)))
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1]  # progress from 0 to done
    assert [i.name for i in store.list()] == ["Hymns"]
    assert info.melodies == 4 and info.windows > 4 and info.base_style == "chorale"
    # the fit is the latents' model: its centre is the fitted windows' mean (shrunk a little)
    lat = np.concatenate([z for _w, z in vae.melody_latents(tracks)])
    model = store.model("hymns")  # names are unique regardless of case
    assert model.points.shape == lat.shape and np.allclose(model.points, lat, atol=1e-5)
    assert np.linalg.norm(model.mean - lat.mean(0)) < 0.1 * np.linalg.norm(lat.mean(0))
    windows = np.concatenate([w for w, _z in vae.melody_latents(tracks)])
    again = vae.fit_my_style(lat, windows)
    assert np.array_equal(model.windows, windows)
    for k, v in again.tensors().items():
        assert np.allclose(model.tensors()[k], v, atol=1e-5), k
    with pytest.raises(MyStyleError, match="exists"):
        train_my_style("HYMNS", tracks, vae, store)
    store.rename("Hymns", "Chorales of mine")
    assert [i.name for i in store.list()] == ["Chorales of mine"]
    with pytest.raises(MyStyleError):
        store.rename("Chorales of mine", "../up")
    store.delete("chorales of mine")
    assert store.list() == [] and not any(store.folder.iterdir())


def test_bad_input_and_cancel_leave_nothing(tmp_path, small_corpus, vae):
    store = MyStyleStore(tmp_path / "styles")
    tracks = melodies(small_corpus, "irish", 4)
    with pytest.raises(MyStyleError, match="3 to 50"):
        train_my_style("two", tracks[:2], vae, store)
    with pytest.raises(MyStyleError, match="3 to 50"):
        train_my_style("many", tracks * 13, vae, store)
    drums = Track(name="kit", channel=9, is_drum=True, notes=tracks[0].notes.copy())
    assert drums.is_drum
    with pytest.raises(MyStyleError, match="drum"):
        train_my_style("drums", [drums, *tracks], vae, store)

    def stop(done, total):
        if done >= 1:
            raise Cancelled()

    with pytest.raises(Cancelled):
        train_my_style("stopped", tracks, vae, store, progress=stop)
    assert store.list() == [] and (not store.folder.exists() or not any(store.folder.iterdir()))


def test_samples_in_my_style_sit_nearer_the_fitted_melodies(tmp_path, small_corpus, vae, monkeypatch):
    monkeypatch.setenv("LATENTROLL_MYSTYLE_DIR", str(tmp_path / "styles"))
    tracks = melodies(small_corpus, "chinese", 6)
    train_my_style("mine", tracks, vae, MyStyleStore())
    fitted = np.concatenate([z for _w, z in vae.melody_latents(tracks)])

    def nearest(tracks_out):
        z = vae.encode(tracks_out)
        return np.linalg.norm(z[:, None] - fitted[None], axis=-1).min(1).mean()

    mine = vae.generate(12, style="mine", temperature=1.0, seed=3)
    any_ = vae.generate(12, style=None, temperature=1.0, seed=3)
    assert mine[0].name.startswith("mine")
    model = MyStyleStore().model("mine")
    z = model.sample(32, np.random.default_rng(0))
    ev = vae.decode_my_style(z, model, 1.0, None, seed=0)
    plain = vae.decode_in_style(z, model.base_style, 1.0, None, seed=0)  # the same decodings, no avoiding
    # at temperature 1 the fitted phrases are rarely handed back (only when every decoding is one)
    assert model.copies(ev).sum() <= model.copies(plain).sum() and model.copies(ev).mean() <= 0.25
    # decoded and re-encoded: the clips themselves, not only the drawn latents, are nearer
    assert nearest(mine) < 0.8 * nearest(any_)
    with pytest.raises(MelodyError, match="one of yours: mine"):
        vae.generate(1, style="nobody")
