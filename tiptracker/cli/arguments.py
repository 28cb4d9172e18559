"""What every sub-command shares: the parser that reports a mistake in one line, and the
arguments that name a partnership or a date."""

import argparse
import datetime as dt
import sys
from typing import Any, NoReturn

from tiptracker.lib.user_error import UserError


class Parser(argparse.ArgumentParser):
    """Says a mistake in the command's own name, after the usage (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"tiptracker: error: {message}\n")


def partnership_by_slug(slug: str) -> Any:
    from tiptracker.partnerships.models import Partnership

    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is None:
        raise UserError(
            f"no partnership '{slug}' (create it with: tiptracker partnership create {slug} --name NAME)"
        )
    return partnership


def date_argument(text: str) -> dt.date:
    from tiptracker.lib.dates import parse_date

    try:
        return parse_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
