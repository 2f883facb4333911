"""Regenerate the model screenshots in docs/screenshots with the shipped weights.

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshots.py [--song FILE] [--only NAME]
        [--size 1440x900 --size 1920x1080]

Builds the real main window (1440x900, the app's theme), drives its panels the way a user
would, waits for each model job, and saves what the window shows:

- explorer.png: the Latent Explorer's map with a sampled region, docked right of the piano roll
  (a tab beside the Generate / Style panel, which holds Irish candidates);
- continue.png: the Model Tools panel with the melody LSTM's continuations of the song.
- repair.png: the same melody with three notes slipped a semitone out of the key, and Repair's proposal.
- drums.png: a Drum VAE clip accepted as a drum track under the melody, the roll on its kit rows,
  the Generate panel on the Drum VAE with its candidates.
- chords.png: the melody with the Chords tab's first suggestion in the chord lane, its cards beside.
- model_tools.png: the Model Tools dock on Drums ▸ Groove with its model loaded: the row of tool
  families over the family's tools, every label whole at the default dock width.
- library_similar.png: the Library dock's Similar tab after "More like this" on one of 8 generated
  clips (a temporary library in the shots' own home).
- layout-WxH-PANEL.png (``--only layout``, at each ``--size``): the window with one panel open
  (Generate, Model Tools, the explorer's corner grid, its map), to check the default layout
  leaves the roll two octaves, the map 300 px and the grid's cells 60 px.

Without ``--song`` it writes an 8-bar Irish melody in G major with the shipped VAE first.
Seeds are fixed so a rerun gives the same pictures for the same weights.
"""
from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
SIZE = (1440, 900)
LAYOUT_SIZES = ((1440, 900), (1920, 1080))  # the layout shots' default sizes
TIMEOUT_S = 180.0


def wait_until(app, done: Callable[[], bool], what: str, timeout: float = TIMEOUT_S) -> None:
    """Run the event loop until ``done()``; fail loudly (with ``what``) on a timeout."""
    end = time.monotonic() + timeout
    while not done():
        if time.monotonic() > end:
            raise SystemExit(f"timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.02)


def settle(app, seconds: float = 0.5) -> None:
    """Let layouts, deferred builds and repaints finish before a grab."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def grab(app, window, out: Path) -> None:
    window.statusBar().clearMessage()  # e.g. "can't play (no audio output)" on a server
    settle(app)
    window.grab().save(str(out))


def seed_song(folder: Path) -> Path:
    path = folder / "irish.mid"
    cmd = [sys.executable, "-m", "latentroll.app.cli.main", "generate", "--style", "irish", "-n", "1",
           "--bars", "8", "--key", "G major", "--seed", "3", "-o", str(path)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return path


def idle(window) -> bool:
    return not window.jobs.running()


def explorer_shot(app, window, out: Path) -> None:
    from latentroll.app.calls.generate import GenerateRequest

    panels = window.model_panels
    panels.show_generate()
    wait_until(app, lambda: panels.host.ready("vae"), "the VAE to load")
    gen = panels.generate
    gen.set_style("irish")
    gen.variations.setValue(6)
    gen.bars.setValue(4)
    gen.generate(GenerateRequest(style="irish", temperature=1.0, variations=6, bars=4, scale=gen.scale, seed=11))
    wait_until(app, lambda: len(gen.cards) >= 6 and idle(window), "the Generate candidates")
    panels.show_explorer("map")
    wait_until(app, lambda: panels.explorer is not None, "the explorer to build")
    explorer = panels.explorer
    explorer.show_tab("map")
    wait_until(app, lambda: explorer.map.corpus_count > 0 and idle(window), "the map's corpus points")
    random.seed(5)
    explorer.map.sample_region()
    wait_until(app, lambda: len(explorer.map.results.clips) > 0 and idle(window), "the sampled melodies")
    grab(app, window, out)


def open_tool(app, window, tool: str, model: str):
    """The Model Tools panel on ``tool`` with its model loaded, the explorer out of the way."""
    panels = window.model_panels
    panels.explorer_dock.hide()
    panels.show_tool(tool)
    tools = panels.tools
    wait_until(app, lambda: panels.host.ready(tools.models[tool]), f"the {model} to load")
    window.state.set_current_track(0)
    return tools


def run_and_grab(app, window, tools, tool: str, seed: int, what: str, out: Path) -> None:
    """Run ``tool`` on the whole track, wait for its new candidates, show the song, save the shot."""
    window.state.clear_selection()
    before = len(tools.cards)
    tools.run(tool, seed=seed)
    wait_until(app, lambda: len(tools.cards) > before and idle(window), what)
    window.editor.view.fit_song()
    grab(app, window, out)


def continue_shot(app, window, out: Path) -> None:
    tools = open_tool(app, window, "continue", "LSTM")
    page = tools.pages["continue"]
    page.variations.setValue(4)
    page.bars.setValue(4)
    run_and_grab(app, window, tools, "continue", 7, "the continuations", out)


def slips(song, count: int = 3, gap: int = 7) -> list[int]:
    """Rows of the melody to push a semitone up out of the song's key, at least ``gap`` notes
    apart from the 5th note on: the kind of slip a player makes."""
    import numpy as np

    from latentroll.core.theory import Scale

    key = song.keys[0] if song.keys else None
    scale = Scale(key.tonic, key.mode).pitch_classes if key else Scale().pitch_classes
    notes = song.tracks[0].notes
    order = np.argsort(notes["start"], kind="stable")
    picked: list[int] = []  # positions in start order
    for i in range(4, len(order)):
        if (not picked or i - picked[-1] >= gap) and (int(notes["pitch"][order[i]]) + 1) % 12 not in scale:
            picked.append(i)
        if len(picked) == count:
            break
    return [int(order[i]) for i in picked]


def repair_shot(app, window, out: Path) -> None:
    """Three notes of the melody slipped a semitone out of the key, then Repair's proposal."""
    tools = open_tool(app, window, "repair", "repair network")
    for row in slips(window.doc.song):
        window.state.set_selection([row])
        window.edit_ops.transpose(1)
    run_and_grab(app, window, tools, "repair", 1, "the repaired melody", out)


def drums_shot(app, window, out: Path) -> None:
    """The melody with a Drum VAE clip accepted as a drum track (the current one, so the roll
    shows the kit rows), the Generate panel on the Drum VAE with its other candidates."""
    panels = window.model_panels
    panels.explorer_dock.hide()
    panels.show_generate()
    gen = panels.generate
    gen.set_model("drums_vae")
    wait_until(app, lambda: panels.host.ready("drums_vae"), "the Drum VAE to load")
    drums = gen.drums
    drums.styles.set_style("funk")
    drums.variations.setValue(4)
    drums.bars.setValue(4)
    before = len(gen.cards)
    drums.generate(drums.request(seed=4))
    wait_until(app, lambda: len(gen.cards) >= before + 4 and idle(window), "the drum candidates")
    window.state.clear_selection()
    gen.accept(gen.cards[0].clip, new_track=True)
    song = window.doc.song
    window.state.set_current_track(next(i for i, t in enumerate(song.tracks) if t.is_drum))
    window.state.clear_selection()  # the hits in their own colours, not the selection's
    window.state.set_playhead(0)
    settle(app)
    window.editor.view.fit_song()
    grab(app, window, out)


def chords_shot(app, window, out: Path) -> None:
    """The melody with the first of the Chords tab's suggestions accepted into the chord lane,
    the tab still showing the suggestion cards."""
    tools = open_tool(app, window, "chords", "chord model")
    tools.pages["chords"].count.setValue(3)
    window.state.clear_selection()
    before = len(tools.cards)
    tools.run("chords", seed=2)
    wait_until(app, lambda: len(tools.cards) > before and idle(window), "the chord suggestions")
    first = next((c for c in tools.cards if c.clip.name.startswith("1.")), tools.cards[-1])
    tools.accept(first.clip)
    wait_until(app, lambda: bool(window.doc.song.chords) and idle(window), "the chord lane")
    window.state.clear_selection()
    window.editor.view.fit_song()
    grab(app, window, out)


def model_tools_shot(app, window, out: Path) -> None:
    """The Model Tools dock on Drums ▸ Groove: the family tabs over the Drums tools."""
    open_tool(app, window, "groove", "Groove model")
    window.state.clear_selection()
    window.editor.view.fit_song()
    grab(app, window, out)


def phrase16_shot(app, window, out: Path) -> None:
    """The Generate panel after a 16-bar melody VAE request (phrase structure), the first candidate
    accepted as a new track and shown whole in the roll."""
    panels = window.model_panels
    panels.explorer_dock.hide()
    panels.show_generate()
    gen = panels.generate
    gen.set_model("vae")
    gen.variations.setValue(3)
    gen.bars.setValue(16)
    wait_until(app, lambda: panels.host.ready("vae") and panels.host.ready("structure"), "the VAE and structure models")
    before = len(gen.cards)
    gen.generate(replace(gen.request(), seed=5))
    wait_until(app, lambda: len(gen.cards) >= before + 3 and idle(window), "the 16-bar candidates")
    window.state.clear_selection()
    gen.accept(gen.cards[0].clip, new_track=True)
    window.state.clear_selection()
    window.state.set_playhead(0)
    settle(app)
    window.editor.view.fit_song()
    grab(app, window, out)


def phrase8_shot(app, window, out: Path) -> None:
    """The explorer interpolating two 8-bar melodies: read as two 4-bar segments by the 4-bar VAE,
    the interpolants are 8 bars (issue 18)."""
    from latentroll.app.calls.generate import GenerateRequest

    panels = window.model_panels
    panels.show_generate()
    gen = panels.generate
    wait_until(app, lambda: panels.host.ready("vae") and panels.host.ready("vae_4bar"), "the 2- and 4-bar VAEs")
    before = len(gen.cards)
    gen.generate(GenerateRequest(style="german", temperature=1.0, variations=2, bars=8, scale=gen.scale, seed=7))
    wait_until(app, lambda: len(gen.cards) >= before + 2 and idle(window), "two 8-bar melodies")
    a, b = [c.clip for c in gen.cards if c.clip.name.startswith("german")][:2]  # new cards may come first
    panels.show_explorer("interpolate")
    wait_until(app, lambda: panels.explorer is not None, "the explorer to build")
    tab = panels.explorer.interpolate
    panels.explorer.show_tab("interpolate")
    tab.a.set_clip(a)
    tab.b.set_clip(b)
    tab.steps.setValue(5)
    tab.run()
    wait_until(app, lambda: len(tab.canvas.clips) == 5 and idle(window), "the 8-bar interpolants")
    window.editor.view.fit_song()
    grab(app, window, out)


LIBRARY_CLIPS = (("irish", 21), ("irish", 22), ("german", 23), ("german", 24), ("chinese", 25),
                 ("chinese", 26), ("chorale", 27), ("scottish_air", 28))  # (style, seed) of each library clip


def fill_library(library: Path, tmp: Path) -> None:
    """A small library of generated 4-bar clips, imported (latents computed) with the CLI into
    the window's own temporary home, never the user's."""
    clips = tmp / "library-clips"
    clips.mkdir(exist_ok=True)
    cli = [sys.executable, "-m", "latentroll.app.cli.main"]
    for style, seed in LIBRARY_CLIPS:
        subprocess.run([*cli, "generate", "--style", style, "-n", "1", "--bars", "4", "--seed", str(seed),
                        "-o", str(clips / f"{style}-{seed}.mid")], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*cli, "library", "--library", str(library), "import", str(clips)], check=True,
                   stdout=subprocess.DEVNULL)


def library_similar_shot(app, window, out: Path) -> None:
    """The Library dock's Similar tab after "More like this" on one of a few generated clips."""
    with tempfile.TemporaryDirectory(prefix="latentroll-library-") as tmp:
        fill_library(window.paths.library_dir, Path(tmp))
    panels = window.model_panels
    for dock in (panels.generate_dock, panels.tools_dock, panels.explorer_dock):
        dock.hide()
    library = window.library_dock
    library.show()
    controller = library.controller
    controller.refresh()
    wait_until(app, lambda: len(controller.entries) >= len(LIBRARY_CLIPS) and idle(window), "the library listing")
    entry = next(e for e in controller.entries if "irish" in e.file)
    library.panel.act("similar", entry)
    wait_until(app, lambda: library.panel.similar.result is not None and idle(window), "the similar clips")
    window.editor.view.fit_song()
    grab(app, window, out)


def layout_shots(app, window, out: Path, sizes) -> list[str]:
    """One shot per panel open alone, at each window size; prints what the layout leaves."""
    from latentroll.app.gui.window_layout import layout_figures

    panels = window.model_panels
    docks = {"generate": panels.generate_dock, "tools": panels.tools_dock, "explorer": panels.explorer_dock}
    panels.show_explorer("grid")
    wait_until(app, lambda: panels.explorer is not None and panels.host.ready("vae"), "the explorer to build")
    grid = panels.explorer.grid
    random.seed(7)
    grid.random_corners()
    wait_until(app, lambda: all(p.clip is not None for p in grid.corners) and idle(window), "four corners")
    grid.run()
    wait_until(app, lambda: grid.n > 0 and idle(window), "the corner grid")
    written = []
    for w, h in sizes:
        window.resize(w, h)
        settle(app)
        for name, show in (("generate", panels.show_generate), ("tools", lambda: panels.show_tool("continue")),
                           ("grid", lambda: panels.show_explorer("grid")),
                           ("map", lambda: panels.show_explorer("map"))):
            for key, dock in docks.items():
                if key != name and not (key == "explorer" and name in ("grid", "map")):
                    dock.hide()
            show()
            if name == "map":
                wait_until(app, lambda: panels.explorer.map.corpus_count > 0 and idle(window), "the map's points")
            settle(app)
            file = f"layout-{w}x{h}-{name}.png"
            grab(app, window, out / file)
            figures = layout_figures(window.editor.view, panels.explorer).as_dict()
            print(f"{file}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
            written.append(file)
        for dock in docks.values():
            dock.hide()
    return written


def parse_size(text: str) -> tuple[int, int]:
    w, _, h = text.lower().partition("x")
    return int(w), int(h)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--song", type=Path, help="the melody to show (default: one the VAE writes)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", action="append",
                        choices=["explorer", "continue", "repair", "chords", "drums", "model_tools", "phrase16", "phrase8",
                                 "library_similar",
                                 "layout"],
                        help="take only these shots (repeatable; default: all)")
    parser.add_argument("--size", type=parse_size, action="append",
                        help="window size of the layout shots, WxH (repeatable; default: 1440x900 and 1920x1080)")
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    from latentroll.app.gui.main_window import MainWindow
    from latentroll.app.gui.paths import AppPaths
    from latentroll.app.gui.theme import apply_theme

    app = QApplication(sys.argv[:1])
    apply_theme(app)
    with tempfile.TemporaryDirectory(prefix="latentroll-shots-") as tmp:
        song = args.song or seed_song(Path(tmp))
        window = MainWindow(paths=AppPaths.under(Path(tmp) / "home"), initial_file=song, dialogs=False,
                            check_recovery=False)
        window.resize(*SIZE)
        window.show()
        wait_until(app, lambda: window.doc.song.note_count() > 0 and idle(window), "the song to load")
        args.out.mkdir(parents=True, exist_ok=True)
        written = []
        try:
            shots = {"explorer": explorer_shot, "continue": continue_shot, "repair": repair_shot,
                     "chords": chords_shot, "drums": drums_shot, "model_tools": model_tools_shot,
                     "phrase16": phrase16_shot, "phrase8": phrase8_shot,
                     "library_similar": library_similar_shot}
            for name in args.only or [*shots, "layout"]:
                if name == "layout":
                    written += layout_shots(app, window, args.out, args.size or LAYOUT_SIZES)
                    continue
                window.resize(*SIZE)
                shots[name](app, window, args.out / f"{name}.png")
                written.append(f"{name}.png")
        finally:
            window.doc.undo_stack.setClean()
            window._closing_ok = True
            window.close()
            settle(app, 0.2)
    print(f"wrote {', '.join(written)} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
