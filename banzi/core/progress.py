"""Progress of long work (an import, a large export, a bulletin), reported to whoever runs it.

The code doing the work calls `report(done, total)` as it goes and knows nothing of who listens; a
background job listens with `reporting_to(callback)` and shows the figures on its page. Outside a
job nobody listens and `report` does nothing.
"""
import contextlib
import contextvars

_listener = contextvars.ContextVar("banzi_progress_listener", default=None)


def report(done, total):
    """Tell the listener, if any, that `done` of `total` steps are finished."""
    listener = _listener.get()
    if listener is not None:
        listener(done, total)


@contextlib.contextmanager
def reporting_to(callback):
    """Send every `report` made inside the block to `callback(done, total)`."""
    token = _listener.set(callback)
    try:
        yield
    finally:
        _listener.reset(token)
