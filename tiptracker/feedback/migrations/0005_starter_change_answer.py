"""The starter practice survey's first question counts "Yes" as a change in practice: set it
on the copies added before questions could say so (their wording and choices unchanged)."""

from django.db import migrations

QUESTION = "Since the training, have you changed anything about how you work?"


def mark(apps, schema_editor):  # type: ignore[no-untyped-def]
    Question = apps.get_model("feedback", "Question")
    for question in Question.objects.filter(text=QUESTION, kind="single", change_answer=""):
        if "Yes" in question.choices:
            question.change_answer = "Yes"
            question.save(update_fields=["change_answer"])


class Migration(migrations.Migration):
    dependencies = [("feedback", "0004_results_count_from_indexes")]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
