"""The Library dock: the user's saved clips and songs (a folder of .mid files, see
``core.library``) and the read-only corpus the models learned from, both searchable, to hear,
insert at the playhead (one undo step), hand to the Latent Explorer, or drag out as MIDI."""
