"""``SvcgenFlask.ensure_sync`` answers as Flask's does, remembering per function."""

from __future__ import annotations

from flask import Flask

from svcgen.api import SvcgenFlask


def _flask_answer(app, func):
    try:
        return ("ok", Flask.ensure_sync(app, func) is func)
    except RuntimeError as exc:  # Flask without its async extra
        return ("error", str(exc))


def test_sync_functions_come_back_as_they_are_and_async_ones_as_flask_runs_them():
    app = SvcgenFlask(__name__)

    def plain():
        return 1

    async def coroutine():
        return 2

    class Methods:
        def view(self):
            return 3

    for _ in range(2):  # asked, then remembered
        assert app.ensure_sync(plain) is plain
        bound = Methods().view
        assert app.ensure_sync(bound) is bound
        try:
            ours = ("ok", app.ensure_sync(coroutine) is coroutine)
        except RuntimeError as exc:
            ours = ("error", str(exc))
        assert ours == _flask_answer(app, coroutine)
    assert Methods.view in app._is_async  # one entry for every instance's bound method
    assert (app._is_async[coroutine], app._is_async[plain]) == (True, False)


def test_unhashable_and_many_callables_are_still_answered():
    app = SvcgenFlask(__name__)

    class Unhashable:
        __hash__ = None

        def __call__(self):
            return 1

    thing = Unhashable()
    assert app.ensure_sync(thing) is thing
    app.ASYNC_CACHE_SIZE = 3
    funcs = [lambda i=i: i for i in range(10)]
    assert [app.ensure_sync(f) for f in funcs] == funcs
    assert len(app._is_async) == 3


def test_the_app_is_one(make_app, tmp_path):
    assert isinstance(make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}"), SvcgenFlask)


def test_a_staticmethod_and_its_function_are_asked_apart():
    """``staticmethod(f)`` has ``__func__`` but is not ``async`` when ``f`` is: each keeps
    Flask's own answer, whichever is asked first."""
    app = SvcgenFlask(__name__)

    async def hook():
        return 1

    wrapped = staticmethod(hook)
    assert app.ensure_sync(wrapped) is wrapped
    try:
        ours = ("ok", app.ensure_sync(hook) is hook)
    except RuntimeError as exc:
        ours = ("error", str(exc))
    assert ours == _flask_answer(app, hook) != ("ok", True)
