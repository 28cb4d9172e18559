"""What the demo tests share: the loaded demo, and the fast password hasher it is loaded with."""

from dataclasses import dataclass

from tiptracker.demo.loader import DemoLogins
from tiptracker.partnerships.models import Partnership

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Loaded:
    logins: DemoLogins
    partnership: Partnership
    output: str
    seconds: float
