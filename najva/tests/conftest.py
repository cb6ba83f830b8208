"""Fixtures of the Najva tests: a stub Najva on 127.0.0.1, and the HTTP backend pointed at it."""

import pytest

from najva.tests.stub import StubNajva


@pytest.fixture
def stub():
    server = StubNajva().start()
    yield server
    server.stop()


@pytest.fixture
def http_najva(settings, stub):
    """The HTTP backend against the stub, with short timeouts and no wait between attempts."""
    settings.NAJVA_BACKEND = "http"
    settings.NAJVA_URL = stub.url
    settings.NAJVA_TOKEN = stub.token
    settings.NAJVA_CONNECT_TIMEOUT = 1
    settings.NAJVA_READ_TIMEOUT = 1
    settings.NAJVA_LEASE_MARGIN_SECONDS = 1
    settings.NAJVA_BACKOFF_SECONDS = 0.001
    settings.NAJVA_BACKOFF_MAX_SECONDS = 0.001
    settings.NAJVA_MAX_ATTEMPTS = 5
    return stub
