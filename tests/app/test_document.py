"""Document and undo stack: exact undo, merged drags, the modified flag and save markers."""
import numpy as np
from roll_helpers import frozen, make_song

from latentroll.app.gui.document import Document
from latentroll.core.commands import AddTrack, CommandError, SetNoteFields, rename_track, set_tempo
from latentroll.core.song import Track


def drag_step(doc, dt, key="drag-test"):
    orig = np.array([0, 480])
    return SetNoteFields(0, [0, 1], {"start": orig + dt}, merge_key=key)


def test_merged_drag_is_one_step_and_undoes_exactly(qapp):
    doc = Document(make_song())
    original = frozen(doc.song)
    for dt in (10, 20, 60, 120):
        doc.push(drag_step(doc, dt))
    assert doc.undo_stack.count() == 1
    assert doc.song.tracks[0].notes["start"][:2].tolist() == [120, 600]
    doc.undo_stack.undo()
    assert frozen(doc.song) == original


def test_drag_back_to_start_leaves_no_step(qapp):
    doc = Document(make_song())
    doc.push(drag_step(doc, 50))
    doc.push(drag_step(doc, 0))
    assert doc.undo_stack.count() == 0
    assert not doc.modified


def test_failed_command_never_reaches_the_stack(qapp):
    doc = Document(make_song())
    try:
        doc.push(SetNoteFields(0, [99], {"pitch": np.array([60])}))
    except CommandError:
        pass
    assert doc.undo_stack.count() == 0
    assert not doc.modified


def test_modified_follows_undo_to_the_saved_state(qapp):
    doc = Document(make_song())
    seen = []
    doc.modifiedChanged.connect(seen.append)
    doc.push(set_tempo(90))
    assert doc.modified
    marker = doc.save_marker()
    doc.mark_saved(marker)
    assert not doc.modified
    doc.push(rename_track(0, "Lead"))
    assert doc.modified
    doc.undo_stack.undo()
    assert not doc.modified
    doc.undo_stack.undo()
    assert doc.modified
    assert seen == [True, False, True, False, True]


def test_merge_into_the_saved_command_marks_modified(qapp):
    doc = Document(make_song())
    doc.push(drag_step(doc, 10))
    doc.mark_saved(doc.save_marker())
    doc.push(drag_step(doc, 20))  # same drag continues after the save
    assert doc.undo_stack.count() == 1
    assert doc.modified


def test_edit_during_save_keeps_modified(qapp):
    doc = Document(make_song())
    doc.push(set_tempo(100))
    marker = doc.save_marker()
    doc.push(AddTrack(Track("Extra")))  # the user edits while the worker writes
    doc.mark_saved(marker)
    assert doc.modified


def test_replace_clears_history(qapp):
    doc = Document(make_song())
    doc.push(set_tempo(100))
    doc.replace(make_song())
    assert doc.undo_stack.count() == 0 and not doc.modified
    doc.replace(make_song(), modified=True)
    assert doc.modified
