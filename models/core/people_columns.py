"""The columns of a people file (light: the web process reads them at start-up, pandas waits)."""

from __future__ import annotations

REQUIRED = ["email", "name"]
OPTIONAL = ["slack_user_id", "manager_email", "team", "country", "subdivision", "timezone", "locale", "roles"]
