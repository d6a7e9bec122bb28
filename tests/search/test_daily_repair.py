"""The first request of a new day repairs every index in the background: a service whose
visible dates begin that day joins the index without any row changing."""

from __future__ import annotations

from datetime import date, timedelta

from localoffer.extensions import db
from localoffer.listings import visibility
from localoffer.search.engine import engine
from tests import factories


def test_a_service_whose_dates_begin_today_is_indexed_by_the_first_request_of_the_day(
    empty_app, monkeypatch
):
    today = date.today()
    service = factories.service(name="Quillwort club", visible_from=today + timedelta(days=1))
    db.session.commit()
    search = engine()
    assert search.repair_if_new_day(empty_app) is None  # the first day this process has seen
    assert service.id not in search.backend.ids()

    assert search.repair_if_new_day(empty_app) is None  # the same day: nothing to do
    monkeypatch.setattr(visibility, "today", lambda: today + timedelta(days=1))
    thread = search.repair_if_new_day(empty_app)
    assert thread is not None
    thread.join(timeout=60)
    assert service.id in search.backend.ids()


def test_the_daily_repair_runs_from_a_request_when_switched_on(empty_app, monkeypatch):
    today = date.today()
    service = factories.service(name="Quillwort club", visible_from=today + timedelta(days=1))
    db.session.commit()
    assert empty_app.config["SEARCH_DAILY_REPAIR"] is False  # tests switch it off
    monkeypatch.setitem(empty_app.config, "SEARCH_DAILY_REPAIR", True)
    started = []
    real = engine().repair_if_new_day

    def watched(app):
        thread = real(app)
        started.append(thread)
        return thread

    monkeypatch.setattr(engine(), "repair_if_new_day", watched)
    client = empty_app.test_client()
    client.get("/healthz")
    monkeypatch.setattr(visibility, "today", lambda: today + timedelta(days=1))
    client.get("/healthz")
    threads = [thread for thread in started if thread is not None]
    assert threads, "no repair started on the new day"
    threads[0].join(timeout=60)
    assert service.id in engine().backend.ids()
