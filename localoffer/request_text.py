"""What the address of a request may carry: no hidden control characters.

The rule is ``localoffer.control_characters``. A query-string argument whose name or value
breaks it is dropped, so pages treat it as absent (``/services?q=a%00b`` is ``/services``); its
name is kept in ``request.refused_args`` for the API, which answers 400 for a bad argument as
it does for any other. A path value that breaks it (``/guides/a%00b``) answers 404.
"""

from __future__ import annotations

from flask import Flask, Request, abort
from werkzeug.datastructures import MultiDict
from werkzeug.utils import cached_property

from localoffer.control_characters import has_control_characters


class SiteRequest(Request):
    """Flask's request, with query-string arguments holding control characters left out."""

    @cached_property
    def _split_args(self) -> tuple[MultiDict, frozenset[str]]:
        every = Request.args.fget(self)  # parsed afresh: Flask's cached value is never stored
        kept, refused = [], set()
        for name, value in every.items(multi=True):
            if has_control_characters(name) or has_control_characters(value):
                refused.add(name)
            else:
                kept.append((name, value))
        return self.parameter_storage_class(kept), frozenset(refused)

    @cached_property
    def args(self) -> MultiDict:
        """The query-string arguments, without those holding control characters."""
        return self._split_args[0]

    @cached_property
    def refused_args(self) -> frozenset[str]:
        """The names of the arguments left out of ``args``."""
        return self._split_args[1]


def init_app(app: Flask) -> None:
    app.request_class = SiteRequest

    @app.url_value_preprocessor
    def refuse_control_characters_in_paths(endpoint, values) -> None:
        if values and any(
            isinstance(value, str) and has_control_characters(value) for value in values.values()
        ):
            abort(404)
