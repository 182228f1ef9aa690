"""The ``surveyapp`` command line, shared by every feature.

* :mod:`surveyapp.cli.helpers`: what every command needs (one transaction, the campaign of a slug);
* :mod:`surveyapp.cli.core`: the application's own commands (``init``, ``serve``);
* :mod:`surveyapp.cli.registry`: puts each feature's commands on the app;
* ``surveyapp/__main__.py``: the console script and ``python -m surveyapp``.

Each feature keeps its commands next to its services (``campaigns/commands.py``,
``evaluation/commands.py``, ...). This module imports nothing, so a feature's commands can import
the helpers without importing the registry, which imports them.
"""
