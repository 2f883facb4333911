"""The model runtime: helper processes that run models and heavy file jobs off the UI's process.

Qt-free, so the GUI, the CLI and a server can share it: ``helper_process`` is the one process
mechanism (start method, cancellation, restart policy); ``models`` loads registry services in the
model process and stands in for them in worker threads; ``file_jobs`` runs GIL-holding parses.
"""
