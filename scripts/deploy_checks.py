"""Checks that scripts/deploy-rehearsal.sh makes between the deployment guide's steps.

    deploy_checks.py login SITE USER PASSWORD_FILE CA_FILE
        Log in through the login form over HTTPS (the rehearsal's nginx), then open the incident
        list and the dashboard; the session cookie must be marked Secure. Exit 1 otherwise.
    deploy_checks.py downgrade DATABASE_URL
        Take the store's schema one migration back, as the previous release left it, so that the
        guide's upgrade steps have something to upgrade.
"""

from __future__ import annotations

import re
import sys


def login(site: str, user: str, password_file: str, ca_file: str) -> None:
    import httpx

    password = open(password_file, encoding="utf-8").read().strip()
    with httpx.Client(base_url=site, verify=ca_file, timeout=60) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
        if not token:
            sys.exit("deploy check: the login page has no CSRF token")
        answer = client.post("/login", data={"username": user, "password": password, "csrf_token": token.group(1)},
                             headers={"Origin": site})
        if answer.status_code != 303:
            sys.exit(f"deploy check: logging in as {user} answered {answer.status_code}")
        cookies = answer.headers.get_list("set-cookie")
        session = [c for c in cookies if c.lower().startswith("rw_session=")]
        if not session or "secure" not in session[0].lower():
            sys.exit(f"deploy check: the session cookie is not marked Secure behind TLS: {session}")
        for page in ("/incidents", "/"):
            status = client.get(page).status_code
            if status != 200:
                sys.exit(f"deploy check: {page} answered {status} after logging in")
    print(f"logged in as {user} over {site}; the incident list and the dashboard answer")


def downgrade(url: str) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from recruitwatch.store.database import alembic_config

    engine = create_engine(url)
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "-1")
    engine.dispose()
    print("the store's schema is one migration older")


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "login":
        login(*sys.argv[2:])
    elif len(sys.argv) == 3 and sys.argv[1] == "downgrade":
        downgrade(sys.argv[2])
    else:
        sys.exit(__doc__)
