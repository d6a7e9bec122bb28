"""The WSGI entry point: ``gunicorn wsgi:app`` and ``flask --app wsgi ...``."""

import gc

from localoffer import create_app

app = create_app()

# Everything made at start-up (the app, its modules and the search index's snapshot, which the
# start-up check opens) lives as long as the process: moved out of the collector's reach, full
# collections no longer walk it, which shortens the pauses that set the slowest searches.
gc.collect()
gc.freeze()
