"""The local REST API (``latentroll serve``): FastAPI over the same job functions and model runtime as the app."""
