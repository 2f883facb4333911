"""The VAE service: core Tracks in, core Tracks out, keys respected, bad input refused clearly."""
import numpy as np
import pytest

from latentroll.core.song import NOTE_DTYPE, PPQ, Track
from latentroll.core.theory import Scale
from latentroll.models.common.errors import MelodyError
from latentroll.models.data.melody import events_to_notes
from latentroll.models.vae.config import get_config
from latentroll.models.vae.export import export_model
from latentroll.models.vae.service import MelodyVAEService
from latentroll.models.vae.train import melody_data, train_vae


@pytest.fixture(scope="module")
def service(small_corpus, tmp_path_factory):
    run = tmp_path_factory.mktemp("vae_run")
    cfg = get_config("tiny", epochs=1)
    train_vae(cfg, run, corpus=small_corpus)
    out = export_model(run / "last", cfg, melody_data(small_corpus, cfg), run / "model")
    return MelodyVAEService.load(out)


@pytest.fixture(scope="module")
def clips(small_corpus):
    data = melody_data(small_corpus, get_config("tiny"))
    return [Track(name=f"clip {i}", notes=events_to_notes(data.test.events[i])) for i in range(4)]


def _valid(track: Track, ticks: int, require_notes: bool = True):
    """A well-formed clip. Greedy decodes of the barely trained tiny model may be silent, so
    quality (non-empty output) is only required where we sample; the shipped model's quality
    is checked in test_vae_shipped.py."""
    assert isinstance(track, Track)
    assert len(track.notes) > 0 or not require_notes
    n = track.notes
    if not len(n):
        return
    assert n["start"].min() >= 0 and (n["start"] + n["duration"]).max() <= ticks
    assert ((n["pitch"] >= 21) & (n["pitch"] <= 108)).all()
    assert ((n["velocity"] >= 1) & (n["velocity"] <= 127)).all()


def test_encode_decode_shapes(service, clips):
    z = service.encode(clips)
    assert z.shape == (4, service.cfg.z_dim) and np.isfinite(z).all()
    out = service.decode(z)
    assert len(out) == 4
    for t in out:
        _valid(t, 2 * 4 * PPQ, require_notes=False)
    sampled = service.decode(z, temperature=1.0, seed=0)
    assert len(sampled) == 4
    for t in sampled:
        _valid(t, 2 * 4 * PPQ)


def test_sample_in_key_and_style(service):
    scale = Scale.parse("D dorian")
    tracks = service.sample(6, style="irish", temperature=1.0, scale=scale, seed=3)
    assert len(tracks) == 6
    pcs = np.concatenate([t.notes["pitch"] % 12 for t in tracks])
    assert len(pcs) > 0 and set(pcs.tolist()) <= set(scale.pitch_classes)
    again = service.sample(6, style="irish", temperature=1.0, scale=scale, seed=3)
    assert all(np.array_equal(a.notes, b.notes) for a, b in zip(tracks, again))  # seeded


def test_generate_longer_melodies(service):
    """Two 6-bar melodies, each with notes in every one of its three 2-bar segments."""
    tracks = service.generate(2, style="german", bars=6, temperature=1.0, seed=1)
    assert len(tracks) == 2
    segment = 2 * 4 * PPQ
    for t in tracks:
        _valid(t, 6 * 4 * PPQ)
        assert sorted(set((t.notes["start"] // segment).tolist())) == [0, 1, 2]


def test_interpolation_ends_are_reconstructions(service, clips):
    path = service.interpolate(clips[0], clips[1], steps=5)
    assert len(path) == 5
    ends = service.decode(service.encode([clips[0], clips[1]]))
    assert np.array_equal(path[0].notes, ends[0].notes)
    assert np.array_equal(path[-1].notes, ends[1].notes)
    with pytest.raises(MelodyError):
        service.interpolate(clips[0], clips[1], steps=1)
    with pytest.raises(MelodyError, match="between 0 and 1"):
        service.interpolate(clips[0], clips[1], pull=1.5)


def test_interpolation_pull_moves_inner_points_toward_corpus_latents(service, clips):
    """The pull leaves A and B where they are and brings every inner point nearer the corpus
    latents it is nearest; pull 0 is the plain slerp."""
    from latentroll.models.vae import latent as lat

    za, zb = service.encode([clips[0], clips[1]])
    plain = lat.path(za, zb, 7, "slerp")
    assert np.allclose(service.interpolation_path(za, zb, 7, pull=0.0), plain, atol=1e-5)
    pulled = service.interpolation_path(za, zb, 7, pull=0.5)
    assert np.allclose(pulled[[0, -1]], plain[[0, -1]], atol=1e-5)
    bank = service.stats.map_latents

    def nearest(p):
        return np.sqrt(((p[:, None, :] - bank[None]) ** 2).sum(-1)).min(1)

    assert (nearest(pulled[1:-1]) < nearest(plain[1:-1])).all()


def test_grid_and_map_and_shift(service, clips):
    cells = service.grid(clips, n=3)
    assert len(cells) == 3 and all(len(r) == 3 for r in cells)
    assert np.array_equal(cells[0][0].notes, service.decode(service.encode(clips[:1]))[0].notes)
    z = service.encode(clips)
    assert service.project_2d(z).shape == (4, 2)
    moved = service.shift(z[0], "density", 1.0)
    assert moved.shape == z[0].shape and not np.allclose(moved, z[0])
    near = service.latent_at(np.array([0.0, 0.0]))
    assert np.allclose(service.project_2d(near)[0], [0.0, 0.0], atol=1e-3)
    with pytest.raises(MelodyError):
        service.shift(z[0], "loudness", 1.0)


def test_transfer_keeps_length_and_start(service, clips):
    rows = []  # the four clips one after another, one bar apart, starting in bar 2
    for i, c in enumerate(clips):
        n = c.notes.copy()
        n["start"] += i * 8 * PPQ + 4 * PPQ  # starts in bar 2
        rows.append(n)
    long = Track(name="long", notes=np.concatenate(rows))
    out = service.transfer(long, "chorale", temperature=1.0, seed=0)
    assert out.notes["start"].min() >= 4 * PPQ
    assert out.end_tick() <= 4 * PPQ + 4 * 8 * PPQ
    assert len(out.notes) > 0


def test_bad_input_is_refused_clearly(service):
    with pytest.raises(MelodyError, match="no notes"):
        service.encode([Track(name="empty")])
    drum = Track(name="drums", is_drum=True, notes=np.array([(0, 120, 36, 100)], dtype=NOTE_DTYPE))
    with pytest.raises(MelodyError, match="drum"):
        service.encode([drum])
    with pytest.raises(MelodyError, match="unknown style"):
        service.sample(1, style="vaporwave")
    chord = Track(name="chords", notes=np.array([(0, 960, 60, 90), (0, 960, 64, 90), (0, 960, 67, 90)],
                                                dtype=NOTE_DTYPE))
    assert service.encode([chord]).shape == (1, service.cfg.z_dim)  # polyphony: top voice, documented


def test_style_sampling_keeps_latents_the_critic_is_surest_of(service):
    """With a critic shipped, sampling in a style picks draws of that style's Gaussian that the
    critic rates likelier in the style than plain draws are."""
    stats = service.stats
    assert stats.critic is not None and stats.styles is not None
    style = service.cfg.styles[1]
    z = service.prior_latents(32, style, np.random.default_rng(0))
    plain = stats.styles.sample(1, 32, np.random.default_rng(0), 0.7)
    assert z.shape == plain.shape
    lp_kept = stats.critic.log_posterior(z)[:, 1]
    lp_plain = stats.critic.log_posterior(plain)[:, 1]
    assert lp_kept.mean() > lp_plain.mean()
    assert len(np.unique(z.round(4), axis=0)) == 32  # no duplicates: 32 different melodies


def test_style_samples_keep_the_decoding_the_critic_rates_most_in_style(service):
    """Sampling in a style decodes each latent several times and keeps the decoding whose
    re-encoding the critic rates most in style: better than one decoding per latent."""
    style_idx = 1
    style = service.cfg.styles[style_idx]
    kept = service.sample_events(24, style, 1.0, None, np.random.default_rng(0), seed=0)
    one = service.decode_events(service.prior_latents(24, style, np.random.default_rng(0)), 1.0, style, seed=0)
    assert kept.shape == one.shape == (24, service.steps)

    def in_style(ev):
        return service.stats.critic.log_posterior(service._means(ev))[:, style_idx].mean()

    assert in_style(kept) > in_style(one)
    tracks = service.sample(3, style=style, temperature=1.0, seed=1)
    assert [t.name for t in tracks] == [f"{style} sample {i}" for i in (1, 2, 3)]


def test_longer_melodies_in_a_style_also_keep_the_decodings_most_in_style(service, monkeypatch):
    """Each 2-bar segment of a longer melody goes through the same best-of-N step as a clip."""
    import latentroll.models.vae.service as vae_service
    from latentroll.models.data.tracks import track_events

    style_idx = 1
    style = service.cfg.styles[style_idx]

    def in_style(tracks):
        segs = np.concatenate([track_events(t, origin=0, total_steps=2 * service.steps)[0].reshape(2, -1)
                               for t in tracks])
        return service.stats.critic.log_posterior(service._means(segs))[:, style_idx].mean()

    kept = service.generate(12, style=style, temperature=1.0, bars=4, seed=0)
    monkeypatch.setattr(vae_service, "STYLE_DECODINGS", 1)
    once = service.generate(12, style=style, temperature=1.0, bars=4, seed=0)
    assert in_style(kept) > in_style(once)
