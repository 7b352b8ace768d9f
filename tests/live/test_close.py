"""Open streams end at once when the app's services close (their store closes, or the gunicorn worker is told
to stop), not at their next heartbeat or after LIVE_STREAM_SECONDS: a restart is not held up by live pages."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from flask import Flask

from app.core.context import services
from tests.fixtures import close_app
from tests.live.sse import Stream, served


def test_closing_the_app_ends_its_open_streams_at_once(make_app: Callable[..., Flask]) -> None:
    app = make_app(LIVE_HEARTBEAT_SECONDS="30")
    with served(app) as address:
        streams = [Stream(address, "list"), Stream(address, "status")]
        for stream in streams:
            assert stream.next().retry == "3000"
        deadline = time.monotonic() + 5
        while services(app).live.hub.open_streams() != 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        started = time.monotonic()
        close_app(app)
        for stream in streams:
            with pytest.raises(EOFError):
                stream.next()
        ended = time.monotonic() - started
        late = Stream(address, "list")
        late_status = late.response.status
        late.close()
    assert ended < 2.0  # the heartbeat is 30 s away
    assert late_status == 503  # a closed hub opens no more streams: the browser retries elsewhere
