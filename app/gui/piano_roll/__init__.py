"""The piano-roll editor: one painted notes item, keyboard, ruler, velocity lane and tools."""
