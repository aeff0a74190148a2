"""Ports: the few calls an app makes into an app above it.

Apps form layers (docs/architecture/layers.md): an app imports only the apps below it. Now and then a
lower app's write needs a step that belongs to an app above it (cancelling a paid order asks
payments for its refunds; a shipment that moves moves its order). The lower app declares a
port in its ports.py, as a stub function decorated with @port whose name, typed parameters,
result and docstring say what it asks; it calls the port where a reader sees the call, and the
app above plugs its function in at start-up, in its AppConfig.ready(). Plugging in a function
that does not take the stub's parameters fails at start-up. The call is an ordinary,
synchronous function call inside the caller's transaction: what it raises propagates, and a
port nothing plugged in fails loudly instead of skipping the step.
"""

import inspect
from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar

from django.core.exceptions import ImproperlyConfigured

P = ParamSpec("P")
R = TypeVar("R")

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
_BY_NAME = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


class Port(Generic[P, R]):
    declared: list["Port[..., Any]"] = []  # every port, so a test can check each one is plugged in

    def __init__(self, stub: Callable[P, R]) -> None:
        self.name = f"{stub.__module__}.{stub.__qualname__}"
        self.stub = stub
        self.signature = inspect.signature(stub)
        self.__doc__ = stub.__doc__
        self._function: Callable[P, R] | None = None
        Port.declared.append(self)

    @property
    def plugged(self) -> bool:
        return self._function is not None

    def plug(self, function: Callable[P, R]) -> None:
        """Called once by the app above, in its AppConfig.ready()."""
        if problem := self._misfit(function):
            raise ImproperlyConfigured(f"{function.__qualname__} cannot answer port {self.name}: {problem}.")
        self._function = function

    def _misfit(self, function: Callable[..., Any]) -> str:
        """Why `function` cannot be called as the stub is, or "" when it can."""
        offered = inspect.signature(function).parameters
        taken = set()
        positional = [p for p in offered.values() if p.kind in _POSITIONAL]
        takes_any_keyword = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in offered.values())
        for index, asked in enumerate(self.signature.parameters.values()):
            if asked.kind in _POSITIONAL:
                if index >= len(positional):
                    return f"it takes no positional argument {asked.name}"
                taken.add(positional[index].name)
            elif asked.name in offered and offered[asked.name].kind in _BY_NAME:
                taken.add(asked.name)
            elif not takes_any_keyword:
                return f"it takes no keyword argument {asked.name}"
        missing = [
            name
            for name, p in offered.items()
            if name not in taken
            and p.default is inspect.Parameter.empty
            and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        ]
        return f"it also needs {', '.join(missing)}" if missing else ""

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        function = self._function
        if function is None:
            raise ImproperlyConfigured(
                f"Port {self.name} has nothing plugged in: the app that provides it plugs it in its AppConfig.ready()."
            )
        return function(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Port {self.name}: {getattr(self._function, '__qualname__', None)}>"


def port(stub: Callable[P, R]) -> Port[P, R]:
    """Declare a port from a stub: `@port def receipt_issue(*, order_id: int) -> None: "..."`.
    The stub's body never runs; callers and type checkers see its exact signature."""
    return Port(stub)
