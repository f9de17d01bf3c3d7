"""A Telegram Bot API emulator for end-to-end tests and benchmarks.

Run a real bot against `Emulator.base_url` and drive it with `SimUser`s.
"""

from sandbox.client import Emulator
from sandbox.models import CallbackAnswer, SimMessage
from sandbox.ratelimit import RateLimits
from sandbox.users import SimChat, SimUser

__all__ = ["CallbackAnswer", "Emulator", "RateLimits", "SimChat", "SimMessage", "SimUser"]
