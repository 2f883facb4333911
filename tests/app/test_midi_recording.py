"""Recording from a MIDI keyboard: a fake input port plays into the window; the take lands in
the current track at the tempo, as one undo step; no ports gives a clear status."""
import threading

import mido
import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMenu

from latentroll.app.gui import midi_input
from latentroll.app.gui.document import new_song
from latentroll.app.gui.midi_input import NO_BACKEND, PortList, fill_input_menu, list_input_ports
from latentroll.core.song import PPQ

BAR = 4 * PPQ
TICKS_PER_S = 2 * PPQ  # 120 BPM


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class FakeKeyboard:
    """Stands in for mido's input ports: ``play`` calls the port's callback from another
    thread, as python-rtmidi does."""

    def __init__(self, names=("Fake Keys",)):
        self.names = tuple(names)
        self.callback = None
        self.opened: list[str] = []
        self.closed = 0

    def lister(self):
        return PortList(self.names)

    def opener(self, name, callback):
        if name not in self.names:
            raise OSError("unknown port")
        self.opened.append(name)
        self.callback = callback
        return self

    def close(self):
        self.closed += 1

    def play(self, *messages):
        t = threading.Thread(target=lambda: [self.callback(m) for m in messages])
        t.start()
        t.join()
        QCoreApplication.processEvents()  # the queued signal reaches the UI thread


def on(pitch, velocity=100):
    return mido.Message("note_on", note=pitch, velocity=velocity)


def off(pitch):
    return mido.Message("note_off", note=pitch, velocity=0)


@pytest.fixture
def rig(window):
    keys, clock = FakeKeyboard(), FakeClock()
    window.midi.lister, window.midi.opener, window.midi.clock = keys.lister, keys.opener, clock
    messages = []
    window.midi.message.connect(messages.append)
    return window, keys, clock, messages


def rows(notes):
    return [(int(n["start"]), int(n["duration"]), int(n["pitch"]), int(n["velocity"])) for n in notes]


def test_a_take_lands_at_the_playhead_at_the_tempo_as_one_undo_step(rig):
    w, keys, clock, messages = rig
    track = w.state.track
    before = track.notes.copy()
    depth = w.doc.undo_stack.count()
    w.state.set_playhead(BAR)
    w.actions["record"].trigger()  # R
    assert w.midi.recording and w.playback.playing and w.transport.record_action.isChecked()
    assert keys.opened == ["Fake Keys"]

    clock.now += 0.1
    keys.play(on(72, 90))
    preview = w.editor.view.notes_item.preview
    assert rows(preview)[0][2:] == (72, 90)  # the held key is drawn while recording
    clock.now += 0.5
    keys.play(off(72), on(76, 70), on(79, 60))
    clock.now += 0.25
    keys.play(on(76, 0), mido.Message("control_change", control=64, value=127))
    clock.now += 0.25  # 79 still held when the take ends
    w.actions["record"].trigger()

    assert not w.midi.recording and not w.transport.record_action.isChecked()
    assert w.playback.playing  # punching out leaves the transport running
    w.playback.stop()
    assert w.doc.undo_stack.count() == depth + 1
    added = track.notes[len(before):]
    t = lambda s: BAR + round(s * TICKS_PER_S)  # noqa: E731
    assert rows(added) == [(t(0.1), 480, 72, 90), (t(0.6), 240, 76, 70), (t(0.6), 480, 79, 60)]
    assert list(w.state.selection) == list(range(len(before), len(before) + 3))
    assert len(w.editor.view.notes_item.preview) == 0
    assert "Recorded 3 notes" in messages

    w.doc.undo_stack.undo()
    assert np.array_equal(w.state.track.notes, before)
    w.doc.undo_stack.redo()
    assert rows(w.state.track.notes[len(before):]) == rows(added)


def test_stopping_the_transport_ends_the_take_and_quantize_snaps_starts(rig):
    w, keys, clock, _messages = rig
    w.midi.set_quantize(True)
    w.state.set_grid("1/16")
    w.state.set_playhead(0)
    w.state.set_current_track(1)
    n = len(w.state.track)
    w.midi.start()
    clock.now += 0.1  # tick 96: the nearest 1/16 is 120
    keys.play(on(40))
    clock.now += 0.3
    keys.play(off(40))
    w.actions["play"].trigger()  # Space stops the transport, and with it the take
    assert not w.playback.playing and not w.midi.recording
    assert rows(w.doc.song.tracks[1].notes[n:]) == [(120, 288, 40, 100)]


def test_recording_keeps_the_transport_running_past_the_song_end(rig, qtbot):
    w, keys, clock, _messages = rig
    w.doc.replace(new_song())  # empty: the song ends at tick 0
    w.state.set_playhead(2 * BAR)
    w.midi.start()
    qtbot.wait(150)  # several transport clock steps
    assert w.playback.playing and w.midi.recording
    assert w.state.playhead >= 2 * BAR  # recording starts at the playhead, not back at 0
    clock.now += 0.5
    keys.play(on(60))
    clock.now += 0.5
    keys.play(off(60))
    w.playback.stop()
    assert rows(w.doc.song.tracks[0].notes) == [(2 * BAR + PPQ, PPQ, 60, 100)]


def test_loading_another_song_discards_the_take(rig):
    w, keys, clock, _messages = rig
    w.midi.start()
    clock.now += 0.1
    keys.play(on(60))
    other = new_song()
    w.doc.replace(other)
    assert not w.midi.recording and not w.playback.playing
    assert len(other.tracks[0].notes) == 0 and w.doc.undo_stack.count() == 0
    assert len(w.editor.view.notes_item.preview) == 0


def test_closing_the_window_keeps_the_take_and_asks_to_save(rig):
    w, keys, clock, _messages = rig
    asked = []
    w.files.maybe_save = lambda then: asked.append(then)
    w.midi.start()
    clock.now += 0.1
    keys.play(on(99))
    w.close()
    assert asked and not w.midi.recording
    assert 99 in w.doc.song.tracks[0].notes["pitch"] and w.doc.modified


def test_an_empty_take_leaves_no_undo_step(rig):
    w, _keys, _clock, messages = rig
    depth = w.doc.undo_stack.count()
    w.midi.start()
    w.midi.stop()
    w.playback.stop()
    assert w.doc.undo_stack.count() == depth
    assert "Nothing recorded" in messages


def test_no_ports_gives_a_clear_status_and_record_does_not_stay_armed(rig):
    w, keys, _clock, messages = rig
    keys.names = ()
    w.actions["record"].trigger()
    assert not w.midi.recording and not w.playback.playing
    assert not w.transport.record_action.isChecked()
    assert messages[-1] == "No MIDI inputs found: connect a MIDI keyboard"

    menu = QMenu(w)
    fill_input_menu(menu, w.midi)
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["None", "No MIDI inputs found: connect a MIDI keyboard"]
    assert menu.actions()[0].isChecked() and not menu.actions()[-1].isEnabled()
    menu.deleteLater()


def test_the_input_menu_lists_ports_and_switches_between_them(rig):
    w, keys, _clock, _messages = rig
    keys.names = ("Keys A", "Keys B")
    menu = QMenu(w)
    fill_input_menu(menu, w.midi, tail=(w.actions["record_quantize"],))
    by_text = {a.text(): a for a in menu.actions()}
    assert ["Keys A", "Keys B", "None"] == [a.text() for a in menu.actions()][:3]
    assert "Quantize While Recording" in [a.text().replace("&", "") for a in menu.actions()]
    by_text["Keys B"].trigger()
    assert keys.opened == ["Keys B"] and w.midi.port_name == "Keys B"
    assert "input: Keys B" in w.transport.record_action.toolTip()
    fill_input_menu(menu, w.midi)
    assert [a.text() for a in menu.actions() if a.isChecked()] == ["Keys B"]
    [a for a in menu.actions() if a.text() == "None"][0].trigger()
    assert w.midi.port is None and keys.closed == 1
    menu.deleteLater()


def test_a_port_that_fails_to_open_is_reported(rig):
    w, keys, _clock, messages = rig
    assert not w.midi.select_port("Gone Keys")
    assert "Cannot open MIDI input 'Gone Keys'" in messages[-1]


def test_keys_are_auditioned_with_the_track_instrument_even_while_not_recording(rig):
    w, keys, _clock, _messages = rig

    class FakePlayer:
        calls = []

        def on_position(self, _callback):
            return lambda: None

        def audition(self, pitch, velocity, program, is_drum):
            self.calls.append((pitch, velocity, program, is_drum))

        def close(self):
            pass

    w.playback._set_audio(FakePlayer())
    w.state.set_current_track(1)
    assert w.midi.ensure_port()
    keys.play(on(50, 80), off(50))
    assert FakePlayer.calls == [(50, 80, 32, False)]
    assert len(w.doc.song.tracks[1].notes) == 3  # nothing recorded without Record


def test_port_listing_explains_a_missing_backend_or_midi_system(monkeypatch):
    def broken():
        raise RuntimeError("MidiInAlsa::initialize: error creating ALSA sequencer client object.")

    monkeypatch.setattr(mido, "get_input_names", broken)
    found = list_input_ports()
    assert found.names == ()
    assert found.status == "No MIDI system on this computer: the ALSA sequencer (/dev/snd/seq) is not available"

    def missing():
        raise ImportError("No module named 'rtmidi'")

    monkeypatch.setattr(mido, "get_input_names", missing)
    assert list_input_ports().status == NO_BACKEND


def test_real_port_listing_never_raises():
    """On this machine, whatever it has: the ports mido sees, or why it could not look."""
    found = midi_input.list_input_ports()  # this machine may have no ALSA sequencer at all
    try:
        ports = tuple(mido.get_input_names())
    except ImportError:
        assert found == PortList(problem=NO_BACKEND)
    except Exception as exc:  # rtmidi's SystemError without a sequencer
        assert found.names == () and found.problem.startswith("No MIDI system on this computer: ")
        assert ("ALSA" in str(exc)) == found.problem.endswith("(/dev/snd/seq) is not available")
    else:
        assert found == PortList(ports)
        assert found.status == ("" if ports else "No MIDI inputs found: connect a MIDI keyboard")
