"""The composition root: the one package that knows every component.

``kelisim/`` is the core every component builds on and knows none of them; each service
(``services/<name>/``) and the gateway (``gateway/``) wires itself in its ``bootstrap``
module. This package puts them together: the ``kelisim`` command (``cli/``: ``run``,
``serve``, ``migrate``, reference data, backups), which service class each component
runs, and the backup of every component's data.
"""
