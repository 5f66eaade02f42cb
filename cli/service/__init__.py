"""``backup-doctor serve``: the engine over HTTP for helpdesk tools (SPEC §5).

Installed with the ``server`` extra (FastAPI, uvicorn, prometheus-client); nothing
outside this package imports it, so the base install never needs them. The engine
never imports it either. Start with :func:`.app.create_app`; docs/service.md
describes every endpoint.
"""
