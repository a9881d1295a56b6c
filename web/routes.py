"""A module's routes, declared with a decorator and added to the application by ``install``:
every route sits directly in the application's route table, where the access-table test
enumerates them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI


class Routes:
    def __init__(self, **defaults: Any) -> None:
        self.defaults = defaults
        self.declared: list[tuple[str, str, Callable[..., Any], dict[str, Any]]] = []

    def route(self, method: str, path: str, **options: Any) -> Callable[..., Any]:
        def declare(endpoint: Callable[..., Any]) -> Callable[..., Any]:
            self.declared.append((method, path, endpoint, {**self.defaults, **options}))
            return endpoint

        return declare

    def install(self, app: FastAPI) -> None:
        for method, path, endpoint, options in self.declared:
            app.add_api_route(path, endpoint, methods=[method], **options)
