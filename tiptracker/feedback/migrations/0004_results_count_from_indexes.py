"""The results page counts answers and invitations from an index alone, narrowed by
organisation, session or period too (bench/bench_feedback.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0003_answers_as_numbers"),
        ("partnerships", "0002_initial"),
        ("training", "0003_guest_sort_name"),
        ("workforce", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="answer",
            name="answer_counts",
        ),
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(
                fields=[
                    "partnership",
                    "course",
                    "timepoint",
                    "question",
                    "number",
                    "organisation",
                    "trained_in",
                    "session",
                ],
                name="answer_counts",
            ),
        ),
        migrations.AddIndex(
            model_name="invitation",
            index=models.Index(
                fields=[
                    "partnership",
                    "course",
                    "timepoint",
                    "status",
                    "completed_on",
                    "session",
                    "staff",
                ],
                name="invitation_counts",
            ),
        ),
    ]
