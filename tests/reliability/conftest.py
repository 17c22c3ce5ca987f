import pytest

from tests.reliability.direct import track


@pytest.fixture(autouse=True)
def _track_standin(standin):
    track(standin)
    yield
