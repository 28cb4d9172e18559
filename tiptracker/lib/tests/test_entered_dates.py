"""The one rule for a date someone enters (issue 14): 1900 or later, and where it says so,
not in the future. Import files, the forms' date boxes and the API all ask it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tiptracker.lib.dates import (
    entered_date_problem,
    parse_date,
    today,
    validate_entered_date,
)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0001-01-01", "'0001-01-01' is before 1900: check the year"),
        ("1899-12-31", "'1899-12-31' is before 1900: check the year"),
        ("01/01/0202", "'01/01/0202' is before 1900: check the year"),
        (dt.date(1, 1, 1), "'01/01/0001' is before 1900: check the year"),
        (dt.datetime(1899, 12, 31, 12), "'31/12/1899' is before 1900: check the year"),
    ],
)
def test_a_date_before_1900_is_not_a_date_anyone_enters(text, reason):
    with pytest.raises(ValueError, match="^" + reason.replace("(", r"\(") + "$"):
        parse_date(text)


@pytest.mark.parametrize("text", ["1900-01-01", "01/01/1900", "2022-06-30"])
def test_1900_and_after_is_read(text):
    assert parse_date(text) >= dt.date(1900, 1, 1)


def test_the_rule_says_what_is_wrong_in_words_that_follow_the_date():
    assert entered_date_problem(dt.date(1899, 12, 31)) == "is before 1900: check the year"
    assert entered_date_problem(dt.date(1900, 1, 1)) is None
    assert entered_date_problem(today()) is None


def test_the_validator_for_forms_and_serializers_says_the_same():
    with pytest.raises(ValidationError) as refused:
        validate_entered_date(dt.date(1, 1, 1))
    assert refused.value.messages == ["The date is before 1900: check the year"]
    validate_entered_date(dt.date(1900, 1, 1))


def test_the_command_line_refuses_a_date_before_1900_plainly(capsys, db):
    from tiptracker.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["coverage", "--partnership", "anywhere", "--as-of", "0001-01-01"])
    assert exit_.value.code != 0
    err = capsys.readouterr().err
    assert "'0001-01-01' is before 1900: check the year" in err and "Traceback" not in err
