"""The web app as `recruitwatch serve` builds it, in this process or in each of several workers.

With ``serve --workers N`` uvicorn starts N processes, and each one builds its own app with
:func:`app_from_env` from what the parent put in the environment: the store's URL
(``RECRUITWATCH_DATABASE_URL``), the limits (``RECRUITWATCH_MAX_*``), the key that signs
sessions and CSRF tokens (``RECRUITWATCH_SECRET_KEY``: the same in every worker, or a login made
through one worker would be refused by the next), the public mode and its threshold.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from recruitwatch.limits import Limits

PUBLIC_ENV = "RECRUITWATCH_SERVE_PUBLIC"


def build_app(store, *, public: bool = False, min_count: int | None = None, limits: Limits | None = None) -> FastAPI:
    """The workbench and paper check over ``store`` (None: the paper check only), or with
    ``public`` the read-only public dashboard over it."""
    if public:
        from recruitwatch.web.public import create_public_app

        return create_public_app(store, min_count=min_count, limits=limits)
    from recruitwatch.web.app import create_app

    return create_app(limits=limits, store=store)


def app_from_env() -> FastAPI:
    """One worker's app (uvicorn calls this factory in each worker process)."""
    from recruitwatch.store import ENV_VAR, open_store

    store = None
    if os.environ.get(ENV_VAR):
        store = open_store(os.environ[ENV_VAR])
    # The public threshold comes from $RECRUITWATCH_PUBLIC_MIN_COUNT, as without workers.
    app = build_app(store, public=os.environ.get(PUBLIC_ENV) == "1", limits=Limits.from_env())
    # A background paper check lives in the memory of the process that runs it, and the next request of
    # its page may reach another worker: with several workers every check answers in its request.
    app.state.check_background = False
    return app
