"""Ports: the few calls an app makes into an app above it.

Apps form layers (README, "Layout"): an app imports only the apps below it. Now and then a
lower app's write needs a step that belongs to an app above it (cancelling a paid order asks
payments for its refunds; a shipment that moves moves its order). The lower app declares a
Port, names it after what it asks, and calls it where a reader sees the call; the app above
plugs its function in at start-up, in its AppConfig.ready(). The call is an ordinary,
synchronous function call inside the caller's transaction: what it raises propagates, and a
port nothing plugged in fails loudly instead of skipping the step.
"""

from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

from django.core.exceptions import ImproperlyConfigured

P = ParamSpec("P")
R = TypeVar("R")


class Port(Generic[P, R]):
    declared: list["Port"] = []  # every port, so a test can check each one is plugged in

    def __init__(self, name: str) -> None:
        self.name = name
        self._function: Callable[P, R] | None = None
        Port.declared.append(self)

    @property
    def plugged(self) -> bool:
        return self._function is not None

    def plug(self, function: Callable[P, R]) -> None:
        """Called once by the app above, in its AppConfig.ready()."""
        self._function = function

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if not self.plugged:
            raise ImproperlyConfigured(
                f"Port {self.name} has nothing plugged in: the app that provides it plugs it in its AppConfig.ready()."
            )
        return self._function(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Port {self.name}: {getattr(self._function, '__qualname__', None)}>"
