"""Text typed into the improvement programme's forms is refused with a control character in
it, as an imported file's cell is (lib/tabular.py): invisible characters anywhere, and a tab
or line break in a one-line field. A box of several lines keeps its line breaks and tabs."""

import pytest
from django import forms as django_forms

from tiptracker.improvement import forms
from tiptracker.improvement.models import Project, ProjectMember
from tiptracker.improvement.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

MEASURE_FORM = {
    "title": "Attended (%)",
    "kind": "outcome",
    "definition": "Of first appointments offered:\n\tthe share attended.",
    "unit": "percentage",
    "frequency": "monthly",
    "improvement": "up",
    "chart": "run",
    "rules": "ihi",
}


def test_every_text_field_of_every_improvement_form_refuses_control_characters():
    """A field added later without the check fails here."""
    forms_with_text = [
        getattr(forms, name)
        for name in dir(forms)
        if isinstance(getattr(forms, name), type)
        and issubclass(getattr(forms, name), django_forms.Form)
        and getattr(forms, name).__module__ == forms.__name__
    ]
    unchecked = []
    for form in forms_with_text:
        for name, field in form.base_fields.items():
            if type(field) is not django_forms.CharField or isinstance(
                field.widget, django_forms.HiddenInput
            ):
                continue
            try:
                field.clean("A\x07B")
            except django_forms.ValidationError:
                continue
            unchecked.append(f"{form.__name__}.{name}")
    assert not unchecked


def test_a_measure_with_a_bell_in_its_name_is_refused_and_says_where(login, member, partnership):
    project = ProjectFactory(partnership=partnership)
    ProjectMember.objects.create(partnership=partnership, project=project, membership=member)
    client = login(member)
    response = client.post(
        f"/p/{partnership.slug}/improvement/{project.pk}/measures/new/",
        {**MEASURE_FORM, "title": "Attended\x07 (%)"},
    )
    assert response.status_code == 200
    assert (
        "Name contains an invisible control character (U+0007, at character 9): remove it"
        in response.content.decode()
    )
    assert not project.measures.exists()
    # The definition is a box of several lines: its line break and tab are kept.
    response = client.post(
        f"/p/{partnership.slug}/improvement/{project.pk}/measures/new/", MEASURE_FORM
    )
    assert response.status_code == 302
    assert project.measures.get().definition == MEASURE_FORM["definition"]


@pytest.mark.parametrize(
    ("text", "multiline", "problem"),
    [
        ("one\nline", False, "contains a line break (at character 4): it takes one line of text"),
        ("one\ttab", False, "contains a tab (at character 4): use a space instead"),
        ("esc\x1b", True, "contains an invisible control character (U+001B, at character 4)"),
        ("c\x851", True, "contains an invisible control character (U+0085, at character 2)"),
    ],
)
def test_each_kind_of_control_character_is_named(text, multiline, problem):
    form = forms.ChangeIdeaForm if not multiline else forms.CycleForm
    field = form.base_fields["title" if not multiline else "results"]
    with pytest.raises(django_forms.ValidationError) as refused:
        field.clean(text)
    assert problem in refused.value.messages[0]


def test_a_nul_is_refused_once(partnership):
    field = forms.DriverForm.base_fields["title"]
    with pytest.raises(django_forms.ValidationError) as refused:
        field.clean("a\x00b")
    assert refused.value.messages == ["Null characters are not allowed."]
    assert Project.objects.count() == 0  # nothing written by a field's check
