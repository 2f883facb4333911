"""The drum models' data and services: the grid representation survives a round trip, the cache
splits by file and counts what it skips, Groove keeps every hit, and bad input is refused in one line."""
from __future__ import annotations

import numpy as np
import pytest

from latentroll.core.drum_kit import DRUM_CHANNEL, KIT, NUM_PIECES
from latentroll.core.song import NOTE_DTYPE, Song, TimeSignature, Track
from latentroll.models.common.errors import DrumError
from latentroll.models.drums.convert import (
    BAR_TICKS,
    STEP_TICKS,
    grid_to_track,
    quantized,
    rhythm_of,
    tapped,
    track_to_grid,
)


def drum_track(rows, name="Drums") -> Track:
    notes = np.array([(s, 60, p, v) for s, p, v in rows], NOTE_DTYPE)
    return Track(name=name, channel=DRUM_CHANNEL, is_drum=True, notes=notes)


def random_part(bars: int, seed: int = 0) -> Track:
    """A performed part: at most one hit per piece and step, offsets within ±half a step."""
    rng = np.random.default_rng(seed)
    rows = []
    for step in range(bars * 16):
        for piece in rng.choice(NUM_PIECES, rng.integers(0, 3), replace=False):
            tick = max(0, step * STEP_TICKS + int(rng.integers(-STEP_TICKS // 2, STEP_TICKS // 2)))
            rows.append((tick, KIT[piece].pitch, int(rng.integers(1, 128))))
    return drum_track(rows)


def test_hits_velocities_and_offsets_survive_track_to_arrays_to_track():
    part = random_part(4)
    grid = track_to_grid(part)
    assert grid.steps == 64 and grid.dropped == 0
    back = grid_to_track(grid)
    assert back.is_drum and back.channel == DRUM_CHANNEL
    key = lambda n: sorted(zip(n["start"].tolist(), n["pitch"].tolist(), n["velocity"].tolist()))  # noqa: E731
    assert key(back.notes) == key(part.notes)
    again = track_to_grid(back)
    for a, b in ((grid.hits, again.hits), (grid.velocity, again.velocity), (grid.offset, again.offset)):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_unknown_keys_are_dropped_and_counted_and_the_louder_of_two_hits_in_a_step_stays():
    part = drum_track([(0, 36, 50), (10, 36, 90), (0, 56 + 100 - 100, 70), (120, 113, 80), (240, 39, 60)])
    grid = track_to_grid(part)
    assert grid.dropped == 1  # key 113 plays no kit piece
    assert grid.hits[0, 0] == 1 and grid.velocity[0, 0] == pytest.approx(90 / 127)
    assert grid.offset[0, 0] == pytest.approx(10 / STEP_TICKS)
    assert grid.hits[2, 1] == 1, "39 (hand clap) joins the snare"


def test_quantized_and_tapped_views():
    grid = track_to_grid(random_part(2, seed=3))
    q = quantized(grid.hits)
    assert q.shape == (32, 27) and np.array_equal(q[:, :9], grid.hits) and not q[:, 18:].any()
    t = tapped(grid.hits, grid.velocity, grid.offset)
    assert np.array_equal(t[:, 0], grid.hits.max(1))
    assert np.allclose(t[:, 1], (grid.velocity * grid.hits).max(1))


def test_a_melody_gives_its_onsets_as_a_rhythm():
    melody = Track(notes=np.array([(0, 240, 60, 100), (480, 240, 62, 80), (480, 240, 65, 90)], NOTE_DTYPE))
    r = rhythm_of(melody)
    assert r.shape == (16, 3) and r[:, 0].sum() == 2 and r[4, 1] == pytest.approx(90 / 127)


# --- data ------------------------------------------------------------------------------------------

def _write_gmd(folder, rows):
    from latentroll.core.io.formats import write_song

    lines = ["drummer,session,id,style,bpm,beat_type,time_signature,midi_filename,audio_filename,duration,split"]
    for i, (meter, split) in enumerate(rows):
        num, den = meter
        song = Song(tracks=[random_part(4, seed=i)], time_signatures=[TimeSignature(0, num, den)])
        name = f"d1/s/{i}_funk_120_beat_{num}-{den}.mid"
        (folder / "d1" / "s").mkdir(parents=True, exist_ok=True)
        write_song(song, folder / name)
        lines.append(f"drummer1,d1/s,d1/s/{i},funk/groove{i},120,beat,{num}-{den},{name},,8.0,{split}")
    (folder / "info.csv").write_text("\n".join(lines) + "\n")


def test_the_cache_keeps_4_4_splits_by_file_and_counts_skipped_meters(tmp_path):
    from latentroll.models.drums.data import DrumCorpus, build_drum_corpus, drum_data

    _write_gmd(tmp_path, [((4, 4), "train"), ((4, 4), "train"), ((3, 4), "train"), ((4, 4), "test"),
                          ((6, 8), "validation"), ((4, 4), "validation")])
    corpus = build_drum_corpus(tmp_path)
    assert corpus.counts["skipped_meters"] == {"3-4": 1, "6-8": 1} and len(corpus.files) == 4
    corpus.save(tmp_path / "c.npz")
    again = DrumCorpus.load(tmp_path / "c.npz")
    assert [f.file_id for f in again.files] == [f.file_id for f in corpus.files]
    assert np.array_equal(again.files[0].offset, corpus.files[0].offset)
    data = drum_data(again, 2)
    assert len(data.train) == 2 * 3 and len(data.test) == 3  # 4-bar files, 2-bar windows, hop 1 bar
    assert data.train.x.shape[1:] == (32, 27) and (data.train.style == 1).all()  # funk
    files = {s: {again.by_split(s)[i].file_id for i in w.file} for s, w in (("train", data.train), ("test", data.test))}
    assert not files["train"] & files["test"]


def test_a_file_that_is_not_a_drum_cache_is_a_user_error(tmp_path):
    from latentroll.models.data.corpus import CorpusError
    from latentroll.models.drums.data import DrumCorpus

    (tmp_path / "x.npz").write_text("no")
    with pytest.raises(CorpusError, match="not a drum cache"):
        DrumCorpus.load(tmp_path / "x.npz")


# --- services --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def services():
    import torch

    from latentroll.models.drums.config import DRUMIFY_CONFIGS, GROOVE_CONFIGS, LM_CONFIGS, VAE_CONFIGS
    from latentroll.models.drums.service import DrumContinueService, DrumifyService, DrumVAEService, GrooveService
    from latentroll.models.drums.tools_net import DrumToolNet
    from latentroll.models.drums.vae import DrumVAE

    torch.manual_seed(0)
    return {"vae": DrumVAEService(DrumVAE(VAE_CONFIGS["tiny"])), "groove": GrooveService(DrumToolNet(GROOVE_CONFIGS["tiny"])),
            "drumify": DrumifyService(DrumToolNet(DRUMIFY_CONFIGS["tiny"])),
            "lm": DrumContinueService(DrumToolNet(LM_CONFIGS["tiny"]))}


def test_groove_keeps_every_hit_and_moves_only_timing_and_velocity(services):
    part = random_part(8, seed=5)
    part.notes = np.concatenate([part.notes, np.array([(BAR_TICKS + 7, 60, 56 + 57, 99)], NOTE_DTYPE)])  # key 113
    part.notes["start"] += 4 * BAR_TICKS  # the part starts at bar 5
    out = services["groove"].groove(part, amount=1.0, style="funk")
    assert out.is_drum and len(out.notes) == len(part.notes)
    assert np.array_equal(out.notes["pitch"], part.notes["pitch"])
    assert out.notes["start"].min() >= 4 * BAR_TICKS - STEP_TICKS // 2
    q_in = np.floor(part.notes["start"] / STEP_TICKS + 0.5)
    q_out = np.floor(out.notes["start"] / STEP_TICKS + 0.5)
    known = part.notes["pitch"] != 113
    assert np.abs(q_out - q_in)[known].max() <= 1, "a hit stays on its step (± the half-step edge)"
    assert out.notes[~known] == part.notes[~known], "a key of no kit piece is left as it is"
    same = services["groove"].groove(part, amount=0.0)
    assert np.array_equal(same.notes, part.notes), "amount 0 changes nothing"


def test_groove_handles_a_ten_minute_part_in_windows(services):
    bars = 300  # 10 minutes at 120 BPM
    rows = [(b * BAR_TICKS + s * 4 * STEP_TICKS, 42, 80) for b in range(bars) for s in range(4)]
    out = services["groove"].groove(drum_track(rows))
    assert len(out.notes) == len(rows)


@pytest.mark.parametrize("call", ["groove", "continue"])
def test_groove_and_continue_refuse_a_pitched_track_an_empty_one_and_other_meters(services, call):
    fn = (lambda t, **kw: services["groove"].groove(t, **kw)) if call == "groove" else \
        (lambda t, **kw: services["lm"].continue_drums(t, **kw))
    melody = Track(name="Lead", notes=np.array([(0, 240, 60, 100)], NOTE_DTYPE))
    with pytest.raises(DrumError, match="needs a drum track.*'Lead' is a pitched track"):
        fn(melody)
    with pytest.raises(DrumError, match="is empty"):
        fn(drum_track([]))
    for meter in ((3, 4), (7, 8)):
        with pytest.raises(DrumError, match=f"4/4 only.*{meter[0]}/{meter[1]}"):
            fn(random_part(2), meter=meter)


def test_drumify_takes_a_melodys_onsets_and_writes_drum_tracks(services):
    melody = Track(name="Lead", channel=2, notes=np.array(
        [(BAR_TICKS + 240 * i, 240, 60 + i, 100) for i in range(16)], NOTE_DTYPE))
    parts = services["drumify"].drumify(melody, variations=3, temperature=1.0, seed=1)
    assert len(parts) == 3 and all(p.is_drum and p.channel == DRUM_CHANNEL for p in parts)
    for p in parts:
        assert set(p.notes["pitch"].tolist()) <= {k.pitch for k in KIT}
        assert len(p.notes) == 0 or (p.notes["start"].min() >= BAR_TICKS and p.notes["start"].max() < 3 * BAR_TICKS)
    with pytest.raises(DrumError, match="no notes"):
        services["drumify"].drumify(Track(name="x"))
    with pytest.raises(DrumError, match="4/4 only"):
        services["drumify"].drumify(melody, meter=(7, 8))


def test_continue_writes_only_the_new_bars_after_the_clip(services):
    part = random_part(2, seed=2)
    outs = services["lm"].continue_drums(part, bars=3, variations=2, temperature=1.0, seed=0)
    assert len(outs) == 2
    for o in outs:
        assert o.is_drum and (len(o.notes) == 0 or (o.notes["start"].min() >= 2 * BAR_TICKS - STEP_TICKS // 2
                                                    and o.notes["start"].max() < 5 * BAR_TICKS))
    with pytest.raises(DrumError, match="1 to 32 bars"):
        services["lm"].continue_drums(part, bars=33)


def test_the_drum_vae_samples_encodes_interpolates_and_blends(services):
    vae = services["vae"]
    clips = vae.sample(3, style="rock", temperature=1.0, bars=6, seed=4)
    assert len(clips) == 3 and all(c.is_drum for c in clips)
    assert all(c.notes["start"].max() < 6 * BAR_TICKS for c in clips if len(c.notes))
    again = vae.sample(3, style="rock", temperature=1.0, bars=6, seed=4)
    assert all(np.array_equal(a.notes, b.notes) for a, b in zip(clips, again)), "seeded"
    a, b = random_part(4, 1), random_part(4, 2)
    assert vae.encode([a, b]).shape == (2, vae.cfg.z_dim)
    path = vae.interpolate(a, b, steps=4)
    assert len(path) == 4
    grid = vae.grid([a, b, random_part(4, 3), random_part(4, 4)], n=3)
    assert [len(r) for r in grid] == [3, 3, 3]
    with pytest.raises(DrumError):
        vae.sample(2, style="polka")
    with pytest.raises(DrumError, match="1 to 16 bars"):
        vae.sample(1, bars=17)
    with pytest.raises(DrumError, match="pitched track"):
        vae.encode([Track(name="Lead", notes=np.array([(0, 240, 60, 100)], NOTE_DTYPE))])


def test_the_fast_step_decoder_equals_the_lstm():
    import torch

    from latentroll.models.drums.config import vae_config
    from latentroll.models.drums.vae import DrumVAE

    torch.manual_seed(1)
    m = DrumVAE(vae_config("tiny", dec_layers=2)).eval()
    with torch.no_grad():
        for p in m.parameters():
            p.mul_(3.0)  # untrained weights are near zero: sharpen them so hits come and go
    z, style = torch.randn(6, m.cfg.z_dim), torch.arange(6)
    fast, ref = m.decode(z, style, 48), m.decode_reference(z, style, 48)
    assert 0.05 < float(ref[..., :9].mean()) < 0.95, "a mix of hits and rests"
    assert torch.allclose(fast, ref, atol=1e-5)


def test_the_latent_prior_keeps_the_correlation_of_the_training_latents():
    """Sampling draws z from the full-covariance Gaussian of the training μ (shrunk 10% toward its
    diagonal): strongly correlated latents give strongly correlated draws, not independent ones."""
    import torch

    from latentroll.models.drums.ship import latent_gaussian

    g = torch.Generator().manual_seed(0)
    base = torch.randn(4000, 1, generator=g)
    m = torch.cat([base, base + 0.1 * torch.randn(4000, 1, generator=g), 3 + torch.randn(4000, 1, generator=g)], 1)
    mean, chol = latent_gaussian(m)
    draws = mean + torch.randn(20000, 3, generator=g) @ chol.T
    corr = torch.corrcoef(draws.T)
    assert torch.allclose(mean, m.mean(0), atol=1e-5)
    assert 0.85 < corr[0, 1] < 0.92, "0.9 of the data's 0.995"
    assert abs(corr[0, 2]) < 0.05 and abs(draws[:, 2].mean() - 3) < 0.05
