"""`python -m tiptracker.cli`: the `tiptracker` command without its installed script."""

from tiptracker.cli import entry

entry()
