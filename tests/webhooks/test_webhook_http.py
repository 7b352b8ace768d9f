"""One webhook POST over the stdlib client: a slow receiver times out (to be retried), a redirect is answered
but never followed."""

from __future__ import annotations

from app.services.ssrf import check_url
from app.services.webhook_http import post
from tests.webhooks.receiver import Receiver


def test_a_slow_receiver_times_out_and_is_retried() -> None:
    with Receiver(delay=1.0) as receiver:
        outcome = post(check_url(receiver.url, {"127.0.0.1"}), b"{}", {}, total=0.3)
        assert (outcome.status, outcome.error, outcome.retry) == (None, "timed out", True)


def test_a_redirect_is_answered_not_followed() -> None:
    with Receiver(status=307, headers={"Location": "http://127.0.0.1:1/elsewhere"}) as receiver:
        outcome = post(check_url(receiver.url, {"127.0.0.1"}), b"{}", {})
        assert outcome.status == 307 and not outcome.retry and "not followed" in outcome.error
        assert len(receiver.received) == 1
