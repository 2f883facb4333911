"""One router per area: health and catalogues, model tools, files, jobs, the library."""
