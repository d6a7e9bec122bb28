import pytest

from localoffer.extensions import limiter


@pytest.fixture(autouse=True)
def fresh_rate_limits(app):
    """Each test starts with no attempts counted against 127.0.0.1."""
    limiter.reset()
    yield
    limiter.reset()
