import pytest

from waitingroom.room import forget_room


@pytest.fixture(autouse=True)
def _room_of_its_own(settings):
    """Each test reads the room's settings afresh (no per-process memo) and leaves none behind for
    the next test of this process."""
    settings.WAITING_ROOM_STATE_SECONDS = 0
    forget_room()
    yield
    forget_room()
