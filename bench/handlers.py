"""
Per-handler latency of our actors and strategies inside a real backtest.

Each Python handler a component defines (``on_*`` data handlers and ``_on_*`` callbacks such
as timers) is wrapped on the instance with a ``perf_counter_ns`` timer before the run starts.
The figures include the wrapper's own cost (well under a microsecond) and nested calls (an
``on_data`` time includes the ``_on_*`` it dispatches to).
"""

import inspect
from collections.abc import Callable
from time import perf_counter_ns

import numpy as np

HANDLERS = ("on_order_book_deltas", "on_trade_tick", "on_quote_tick", "on_bar", "on_data")


def _own_handler_names(component: object) -> list[str]:
    names: set[str] = set()
    for cls in type(component).__mro__:
        if cls.__module__.startswith(("nautilus_trader", "builtins")):
            continue
        for name, member in vars(cls).items():
            if not inspect.isfunction(member):
                continue
            if name in HANDLERS or (name.startswith("_on_") and name != "_on_start"):
                names.add(name)
    return sorted(names)


def _timed(function: Callable, samples: list[int]) -> Callable:
    def timed(*args, **kwargs):
        start = perf_counter_ns()
        result = function(*args, **kwargs)
        samples.append(perf_counter_ns() - start)
        return result

    return timed


def instrument(component: object) -> dict[str, list[int]]:
    """
    Wrap every handler `component` defines with a timer; return the sample lists by name.
    """
    timings: dict[str, list[int]] = {}
    for name in _own_handler_names(component):
        samples = timings.setdefault(name, [])
        setattr(component, name, _timed(getattr(component, name), samples))
    return timings


def summarize(timings: dict[str, dict[str, list[int]]]) -> dict[str, dict[str, dict]]:
    """
    Return calls, p50, p99 and max (µs) per component and handler, skipping unused handlers.
    """
    summary: dict[str, dict[str, dict]] = {}
    for component, handlers in sorted(timings.items()):
        for name, samples in sorted(handlers.items()):
            if not samples:
                continue
            values = np.asarray(samples, dtype=np.float64) / 1_000.0
            summary.setdefault(component, {})[name] = {
                "calls": len(samples),
                "p50_us": round(float(np.percentile(values, 50)), 2),
                "p99_us": round(float(np.percentile(values, 99)), 2),
                "max_us": round(float(values.max()), 1),
            }
    return summary
