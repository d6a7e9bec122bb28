"""What the rest of the application needs to know about a listing (a ``Service``): which ones
families may see, how to load one for a results item, and how it is summed up in words.

A domain layer: it imports only ``localoffer.models``, ``localoffer.extensions``,
``localoffer.text`` and third-party packages, never directory, search, guides, api, templating or
any routes (the contracts are ``[tool.importlinter]`` in ``pyproject.toml``), so search and
directory can both use it.
"""
