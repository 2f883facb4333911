"""Menus and keyboard shortcuts (DAW conventions). Actions are kept by name on the window
(``window.actions["undo"]``) so tests and other panels can trigger them.

The menus reach the window through ``MenuWindow``: the parts and commands they trigger, nothing
of how the window builds them."""
from __future__ import annotations

from typing import Callable, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QToolButton, QWidget

from .chord_voicing import add_chords_track, detected_chords_edit, selection_bars
from .document import Document
from .edit_ops import EditOps
from .editor_state import EditorState
from .file_controller import FileController
from .midi_input import MidiRecorder, fill_input_menu
from .piano_roll.editor import PianoRollEditor
from .playback import PlaybackController
from .track_list import TrackList
from .transport import TransportBar


class MenuWindow(Protocol):
    """What the menus need of the main window (a QMainWindow that owns these parts)."""

    actions: dict[str, QAction]
    doc: Document
    state: EditorState
    files: FileController
    edit_ops: EditOps
    editor: PianoRollEditor
    transport: TransportBar
    playback: PlaybackController
    midi: MidiRecorder
    track_list: TrackList

    def menuBar(self) -> QMenuBar: ...
    def addAction(self, action: QAction) -> None: ...
    def close(self) -> bool: ...
    def choose_soundfont(self) -> None: ...
    def loop_selection(self) -> None: ...
    def show_shortcuts(self) -> None: ...


EDITOR = Qt.ShortcutContext.WidgetWithChildrenShortcut  # only while the piano roll has focus


def _action(win: MenuWindow, name: str, text: str, slot: Callable, keys=(), tip: str = "",
            context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut, scope: QWidget | None = None,
            checkable: bool = False, checked: bool = False) -> QAction:
    act = QAction(text, win)
    if isinstance(keys, (str, QKeySequence.StandardKey)):
        keys = (keys,)
    seqs = [QKeySequence(k) for k in keys]
    if seqs:
        act.setShortcuts(seqs)
        act.setShortcutContext(context)
    if tip:
        act.setStatusTip(tip)
    if checkable:
        act.setCheckable(True)
        act.setChecked(checked)
        act.toggled.connect(slot)
    else:
        act.triggered.connect(lambda _c=False: slot())
    (scope or win).addAction(act)
    win.actions[name] = act
    return act


def build_menus(win: MenuWindow) -> None:
    files, ops, state, editor = win.files, win.edit_ops, win.state, win.editor
    bar = win.menuBar()

    # ---- File ----
    m = bar.addMenu("&File")
    m.addAction(_action(win, "new", "&New", files.new, QKeySequence.StandardKey.New))
    m.addAction(_action(win, "open", "&Open…", files.open, QKeySequence.StandardKey.Open))
    recent = m.addMenu("Open &Recent")
    m.addSeparator()
    m.addAction(_action(win, "save", "&Save", files.save, QKeySequence.StandardKey.Save))
    m.addAction(_action(win, "save_as", "Save &As…", files.save_as, "Ctrl+Shift+S"))
    m.addSeparator()
    imp = m.addMenu("&Import")
    imp.addAction(_action(win, "import_midi", "MIDI…", lambda: files.import_file("midi"), "Ctrl+I"))
    imp.addAction(_action(win, "import_musicxml", "MusicXML…", lambda: files.import_file("musicxml")))
    imp.addAction(_action(win, "import_abc", "ABC…", lambda: files.import_file("abc")))
    exp = m.addMenu("&Export")
    exp.addAction(_action(win, "export_midi", "MIDI…", lambda: files.export_song("midi"), "Ctrl+E"))
    exp.addAction(_action(win, "export_wav", "WAV…", lambda: files.export_audio(stems=False), "Ctrl+Shift+E"))
    exp.addAction(_action(win, "export_stems", "Stems (WAV + MIDI per track)…", lambda: files.export_audio(stems=True)))
    exp.addAction(_action(win, "export_musicxml", "MusicXML…", lambda: files.export_song("musicxml")))
    m.addSeparator()
    m.addAction(_action(win, "soundfont", "Choose SoundFont…", win.choose_soundfont))
    m.addSeparator()
    m.addAction(_action(win, "quit", "&Quit", win.close, QKeySequence.StandardKey.Quit))
    files.recentChanged.connect(lambda: rebuild_recent(recent, files))
    rebuild_recent(recent, files)

    # ---- Edit ----
    m = bar.addMenu("&Edit")
    stack = win.doc.undo_stack
    undo = stack.createUndoAction(win, "&Undo")
    undo.setShortcut(QKeySequence("Ctrl+Z"))
    redo = stack.createRedoAction(win, "&Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    for name, act in (("undo", undo), ("redo", redo)):
        win.addAction(act)
        win.actions[name] = act
        m.addAction(act)
    m.addSeparator()
    m.addAction(_action(win, "cut", "Cu&t", ops.cut, QKeySequence.StandardKey.Cut))
    m.addAction(_action(win, "copy", "&Copy", ops.copy, QKeySequence.StandardKey.Copy))
    m.addAction(_action(win, "paste", "&Paste", ops.paste, QKeySequence.StandardKey.Paste))
    m.addAction(_action(win, "duplicate", "&Duplicate", ops.duplicate, "Ctrl+D"))
    m.addAction(_action(win, "delete", "De&lete", ops.delete, (QKeySequence.StandardKey.Delete, "Backspace")))
    m.addAction(_action(win, "select_all", "Select &All", ops.select_all, QKeySequence.StandardKey.SelectAll))
    m.addAction(_action(win, "deselect", "Select &None", state.clear_selection, "Ctrl+Shift+A"))
    m.addSeparator()
    m.addAction(_action(win, "quantize", "&Quantize to Grid", ops.quantize, "Ctrl+U",
                        tip="Quantize the selection (or the whole track) to the snap grid"))
    tr = m.addMenu("&Transpose / Move")
    for name, text, slot, key in (
        ("up", "Up a Semitone", lambda: ops.transpose(1), "Up"),
        ("down", "Down a Semitone", lambda: ops.transpose(-1), "Down"),
        ("octave_up", "Up an Octave", lambda: ops.transpose(12), "Ctrl+Up"),
        ("octave_down", "Down an Octave", lambda: ops.transpose(-12), "Ctrl+Down"),
        ("nudge_right", "Later by a Grid Step", lambda: ops.nudge(1), "Right"),
        ("nudge_left", "Earlier by a Grid Step", lambda: ops.nudge(-1), "Left"),
    ):
        tr.addAction(_action(win, name, text, slot, key, context=EDITOR, scope=editor))

    # ---- View ----
    m = bar.addMenu("&View")
    view = editor.view
    m.addAction(_action(win, "zoom_in", "Zoom &In", lambda: view.zoom_by(fx=1.25), "Ctrl+="))
    m.addAction(_action(win, "zoom_out", "Zoom &Out", lambda: view.zoom_by(fx=0.8), "Ctrl+-"))
    m.addAction(_action(win, "zoom_fit", "&Fit Song", view.fit_song, "Ctrl+0"))
    m.addAction(_action(win, "taller", "Taller Rows", lambda: view.zoom_by(fy=1.2), "Ctrl+Alt+="))
    m.addAction(_action(win, "shorter", "Shorter Rows", lambda: view.zoom_by(fy=1 / 1.2), "Ctrl+Alt+-"))
    m.addSeparator()
    m.addAction(_action(win, "ghost_notes", "&Ghost Notes of Other Tracks",
                        lambda on: state.set_view_options(ghost_notes=on), checkable=True,
                        checked=state.view.ghost_notes))
    m.addAction(_action(win, "scale_highlight", "&Highlight Scale",
                        lambda on: state.set_view_options(scale_highlight=on), checkable=True,
                        checked=state.view.scale_highlight))
    m.addAction(_action(win, "follow", "&Follow Playhead",
                        lambda on: state.set_view_options(follow_playhead=on), checkable=True,
                        checked=state.view.follow_playhead))

    # ---- Transport ----
    m = bar.addMenu("&Transport")
    play = win.transport.play_action
    play.setShortcut(QKeySequence("Space"))
    play.triggered.connect(lambda _c=False: win.playback.toggle())
    win.actions["play"] = play
    m.addAction(play)
    loop = win.transport.loop_action
    loop.setShortcut(QKeySequence("L"))
    win.actions["loop"] = loop
    m.addAction(loop)
    record = win.transport.record_action
    record.setShortcut(QKeySequence("R"))
    win.actions["record"] = record
    m.addAction(record)
    quantize = _action(win, "record_quantize", "&Quantize While Recording", win.midi.set_quantize,
                       tip="Snap recorded note starts to the snap grid", checkable=True,
                       checked=win.midi.quantize)
    inputs = QMenu("MIDI &Input", win)
    inputs.aboutToShow.connect(lambda: fill_input_menu(inputs, win.midi, tail=(quantize,)))
    m.addMenu(inputs)
    m.addAction(quantize)
    button = win.transport.widgetForAction(record)
    button.setMenu(inputs)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
    m.addSeparator()
    m.addAction(_action(win, "to_start", "Go to Start",  # the playhead and the view: bar 1 on screen
                        lambda: (state.request_seek(0), state.request_reveal(0, 0)), "Home"))
    m.addAction(_action(win, "loop_selection", "Loop Selection",
                        win.loop_selection, "Ctrl+L"))

    # ---- Track ----
    m = bar.addMenu("Trac&k")
    m.addAction(_action(win, "add_track", "&Add Track", win.track_list.add_track, "Ctrl+T"))
    m.addAction(_action(win, "remove_track", "&Delete Track",
                        lambda: win.track_list.remove_track(state.current_track) if state.track is not None else None))
    m.addSeparator()
    chord_actions = [
        _action(win, "chords_to_track", "&Chords → Track", lambda: chords_to_track(win),
                tip="Voice the chord track as a pad track (one note per chord tone, held to the next chord)"),
        _action(win, "detect_chords", "Detect C&hords from Notes", lambda: detect_chords(win),
                tip="Fill the chord lane with the chords the notes sound (the selection's bars, or the song)"),
    ]
    for act in chord_actions:
        m.addAction(act)
    editor.chord_lane.context_actions = chord_actions

    # ---- Help ----
    m = bar.addMenu("&Help")
    m.addAction(_action(win, "shortcuts", "&Keyboard Shortcuts", win.show_shortcuts, "F1"))


def chords_to_track(win: MenuWindow) -> None:
    """The chord track as a new pad track, one undo step (it plays, renders and exports)."""
    if not win.doc.song.chords:
        win.editor.view.message.emit("The song has no chords yet: click in the chord lane above the roll to add one")
        return
    command = win.doc.push(add_chords_track(win.doc.song))
    win.state.set_current_track(command._at)


def detect_chords(win: MenuWindow) -> None:
    """Fill the chord lane from the notes, bar by bar: the selection's bars, else the whole song
    (one undo step; chords outside the span stay)."""
    song, state = win.doc.song, win.state
    edit, message = detected_chords_edit(song, *selection_bars(song, state.track, state.selection))
    if edit is not None:
        win.doc.push(edit)
    win.editor.view.message.emit(message)


def rebuild_recent(menu: QMenu, files: FileController) -> None:
    menu.clear()
    recent = files.recent_files()
    for path in recent:
        menu.addAction(path.name, lambda p=path: files.open(p)).setStatusTip(str(path))
    if recent:
        menu.addSeparator()
        menu.addAction("Clear List", files.clear_recent)
    else:
        menu.addAction("(none)").setEnabled(False)


SHORTCUTS_HTML = """
<table cellspacing=4>
<tr><td><b>Space</b></td><td>Play / stop</td></tr>
<tr><td><b>D</b> or <b>B</b>, <b>S</b>, <b>E</b></td><td>Draw, select, erase tool</td></tr>
<tr><td><b>Alt</b> while dragging</td><td>Place freely (bypass snap)</td></tr>
<tr><td><b>Shift</b>+click / box</td><td>Add to the selection</td></tr>
<tr><td><b>Ctrl</b>+drag (draw tool)</td><td>Box select</td></tr>
<tr><td>Right-click / right-drag</td><td>Erase notes</td></tr>
<tr><td><b>↑ ↓</b>, <b>Ctrl+↑ ↓</b></td><td>Transpose a semitone / an octave</td></tr>
<tr><td><b>← →</b></td><td>Move by one grid step</td></tr>
<tr><td><b>Ctrl+C / X / V / D</b></td><td>Copy, cut, paste at playhead, duplicate</td></tr>
<tr><td><b>Ctrl+U</b></td><td>Quantize to the grid</td></tr>
<tr><td><b>Ctrl+Z</b>, <b>Ctrl+Shift+Z</b></td><td>Undo, redo</td></tr>
<tr><td><b>Ctrl+wheel</b>, <b>Ctrl+Alt+wheel</b></td><td>Zoom time, zoom pitch</td></tr>
<tr><td><b>Shift+wheel</b></td><td>Scroll sideways</td></tr>
<tr><td>Drag on the ruler</td><td>Set the loop; click: move the playhead</td></tr>
<tr><td><b>L</b>, <b>Ctrl+L</b></td><td>Loop on/off, loop the selection</td></tr>
<tr><td><b>R</b></td><td>Record from the MIDI keyboard (Transport ▸ MIDI Input)</td></tr>
<tr><td><b>Ctrl+G</b>, <b>Ctrl+Shift+G</b>, <b>Ctrl+Shift+T</b></td><td>Generate panel, Latent Explorer, Model Tools</td></tr>
<tr><td><b>Ctrl+Shift+L</b></td><td>Library (your pieces and the training corpus)</td></tr>
</table>
"""
