"""Another unit's pages are read-only: what the unit's pages share for it.

- :func:`unit_param` — the ``don_vi`` of a page's address: empty for one's own unit, else the
  unit a province officer (or the unit above, or the successor) reads;
- :func:`read_only` — a dependency of every route that changes something from those pages
  (``dependencies=[read_only("par.edit")]``): a request naming another unit (``?don_vi=``) is
  refused by the policy through ``application.unit_view.check_write`` (403 naming the rule),
  before the form is looked at. Without ``don_vi`` a change is the officer's own unit's, as
  always.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request

from web.auth import signed_in
from web.env import env_of


def unit_param(value: str) -> str | None:
    """``don_vi`` as the use cases take it (None: the officer's own unit)."""
    from web.errors import InputError

    value = value.strip()
    if not value:
        return None
    if len(value) > 64 or any(c.isspace() for c in value):
        raise InputError("web.bad_request", fields="don_vi")
    return value


def read_only(action: str) -> Any:
    """A dependency refusing ``action`` asked on another unit's page."""

    def guard(request: Request, signed: Any = Depends(signed_in)) -> None:
        from application.unit_view import check_write

        unit = unit_param(request.query_params.get("don_vi", ""))
        if unit is None:
            return
        env = env_of(request)
        check_write(env.uow(), signed.identity, env.now(), unit=unit, action=action)

    return Depends(guard)
