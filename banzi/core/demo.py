"""Demo data hooks: each module registers the loader of its own demo records, and `load_demo`
runs them after the registry's county is built, so the registry never imports later modules.

A loader takes no arguments, adds only what is missing (idempotent) and returns {label: count}
of what it created.
"""
_loaders = []


def register(order):
    def decorator(func):
        _loaders.append((order, func))
        return func
    return decorator


def loaders():
    return [func for _order, func in sorted(_loaders, key=lambda item: item[0])]
