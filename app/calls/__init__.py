"""What the app asks of its models, as plain requests and job functions (no Qt).

The GUI's workers, the CLI and the REST API run the same job functions; ``svc`` is a service or
its stand-in that forwards to the model process (``app.runtime.models.RemoteService``).
"""
