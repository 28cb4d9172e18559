"""The four import kinds of formats.md, by the name an upload or the command line gives:
one module a kind says which columns it takes, how a row is validated and how a batch is
written; base.py holds what they share."""

from tiptracker.imports.kinds import completions, courses, needs, staff
from tiptracker.imports.kinds.base import Kind

KINDS: dict[str, type[Kind]] = {
    "staff": staff.StaffKind,
    "needs": needs.NeedsKind,
    "courses": courses.CoursesKind,
    "completions": completions.CompletionsKind,
}
