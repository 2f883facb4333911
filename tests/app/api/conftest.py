"""Fixtures for the REST API tests: an app on a temporary library."""
import os
import sys

import pytest
from fastapi.testclient import TestClient

from latentroll.app.api.app import create_app
from latentroll.app.api.settings import ApiSettings

sys.path.insert(0, os.path.dirname(__file__))  # api_helpers: the tests' music files


@pytest.fixture
def settings(tmp_path) -> ApiSettings:
    return ApiSettings(library=tmp_path / "library")


@pytest.fixture
def client(settings):
    with TestClient(create_app(settings)) as c:
        yield c
