"""The demo's steering-group workspace: each module of the workspace loads its own part.

A loader is a function taking a DemoContext; LOADERS names them in the order they run
(the plan last, so that its actions can point at the resources and sessions before it).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TextIO

from tiptracker.partnerships.models import Membership, Partnership
from tiptracker.training.models import Course


@dataclass(frozen=True)
class DemoContext:
    partnership: Partnership
    memberships: dict[str, Membership]  # role -> the demo login's membership
    courses: dict[str, Course]  # course code -> course
    today: dt.date
    out: TextIO

    def say(self, line: str) -> None:
        print(line, file=self.out, flush=True)


# "module:function", each taking a DemoContext.
LOADERS: list[str] = [
    "tiptracker.demo.resources:load",
    "tiptracker.demo.network:load",
    "tiptracker.demo.coaching:load",  # after the network: the ambassadors meet as peers
    "tiptracker.demo.funding:load",
    "tiptracker.demo.engagement:load",
    "tiptracker.demo.briefings:load",
    "tiptracker.demo.plan:load",
    "tiptracker.demo.feedback:load",
    "tiptracker.demo.lived:load",
    "tiptracker.demo.invitations:load",
    "tiptracker.demo.claims:load",
    "tiptracker.demo.improvement:load",
    # Last: the report's figures are frozen from everything above.
    "tiptracker.demo.reports:load",
]


def loaders() -> list[Callable[[DemoContext], None]]:
    found = []
    for dotted in LOADERS:
        module, name = dotted.split(":")
        found.append(getattr(import_module(module), name))
    return found
