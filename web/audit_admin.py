"""(being written: issue 13)"""

from __future__ import annotations

from web.routes import Routes

ROUTES = Routes(include_in_schema=False)
