"""The application for any WSGI server: ``gunicorn wsgi:app``, ``uwsgi --module wsgi:app``, ...

A production start through this file never migrates or loads anything: run ``surveyapp init``
(or ``surveyapp db upgrade``) once per release, before the servers start. ``surveyapp serve`` is
the newcomer's one-command start that does it all.
"""

from surveyapp import create_app
from surveyapp.server import hide_server_banner

hide_server_banner()  # gunicorn's ``Server`` header; other servers: see the README
app = create_app()
