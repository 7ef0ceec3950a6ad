"""FastAPI dependencies, in one place."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Connection, Engine

from app.settings import Settings


# The cheap dependencies are coroutines: FastAPI runs a plain ``def`` dependency in the
# threadpool, one thread hop each, and a point tile passed through seven (docs/performance.md).
async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_engine(request: Request) -> Engine:
    return request.app.state.engine


Transaction = Callable[[], AbstractContextManager[Connection]]
"""Opens a request's transaction: ``engine.begin`` (``create_app``); the tests put a savepoint of
their own rolled-back transaction in ``app.state.transaction`` instead."""


async def get_transaction(request: Request) -> Transaction:
    return request.app.state.transaction


TransactionDep = Annotated[Transaction, Depends(get_transaction)]


def get_conn(transaction: TransactionDep) -> Iterator[Connection]:
    """One transaction per request: committed on success, rolled back on any error.

    A database that cannot be reached surfaces as ``OperationalError``, answered with 503.
    ``ConnDep`` gives it scope "function": the commit happens BEFORE the response is sent.
    FastAPI's default ("request") commits after sending, so a browser following the 303 of
    the login form could ask for the next page before its session row was committed and
    land back on the login form (seen under load), and a page after a form post could miss
    what the post saved."""
    with transaction() as conn:
        yield conn


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
ConnDep = Annotated[Connection, Depends(get_conn, scope="function")]
