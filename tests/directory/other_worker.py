"""Another worker for ``test_counts``: the real app in its own process changes one listing.

``python -m tests.directory.other_worker DATABASE_URL INDEX_DIR ACTION SERVICE_ID``

``ACTION`` is ``unpublish`` or ``publish``; it is done as an officer through the officers' own
service functions (``localoffer.manage.lifecycle``) and committed, as a request to another
gunicorn worker (or another machine) would. Nothing tells the test's process about it.
"""

from __future__ import annotations

import sys

from sqlalchemy import select

from localoffer import create_app
from localoffer.extensions import db
from localoffer.manage import lifecycle
from localoffer.models import Role, Service, User


def main(database_url: str, index_dir: str, action: str, service_id: str) -> None:
    app = create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SEARCH_INDEX_DIR": index_dir,
            "SEARCH_CHECK_ON_START": False,
            "POSTCODES_IO_URL": "http://127.0.0.1:9",
        }
    )
    with app.app_context():
        officer = db.session.scalar(select(User).where(User.role == Role.OFFICER))
        service = db.session.get(Service, int(service_id))
        getattr(lifecycle, action)(service, officer)
        db.session.commit()


if __name__ == "__main__":
    main(*sys.argv[1:])
