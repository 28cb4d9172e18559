"""The one exception for a mistake the person running a command can fix: the command line
prints it plainly (no traceback) and exits 1. Here, below every app, so that what the
command line runs (the demo's loader, say) can raise it without importing the command line."""


class UserError(Exception):
    """A mistake the user can fix: printed plainly, exit status 1."""
