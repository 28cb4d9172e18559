"""Anonymous answers are published only through released cells (feedback/release.py).

Existing anonymous responses are marked as such and keep only what the new ones keep: the
quarter of the training and the quarter they were given in, no session, no organisation
(the worker then releases every past quarter and writes them back in a random order)."""

import datetime as dt

import django.db.models.deletion
from django.db import migrations, models


def _quarter(day):  # type: ignore[no-untyped-def]
    """The first day of its quarter (financial-year quarters are the calendar's)."""
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def coarsen(apps, schema_editor):  # type: ignore[no-untyped-def]
    Response = apps.get_model("feedback", "Response")
    Answer = apps.get_model("feedback", "Answer")
    anonymous = Response.objects.filter(version__anonymous=True)
    for response in anonymous.iterator(chunk_size=2000):
        trained_in = _quarter(response.trained_in)
        Response.objects.filter(pk=response.pk).update(
            anonymous=True,
            trained_in=trained_in,
            given_on=_quarter(response.given_on),
            session=None,
            organisation=None,
        )
        Answer.objects.filter(response_id=response.pk).update(
            trained_in=trained_in, session=None, organisation=None
        )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0005_starter_change_answer"),
        ("partnerships", "0003_partnership_sso_staff_sign_in"),
        ("training", "0005_course_details_and_learning_claims"),
        ("workforce", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReleasedCell",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "timepoint",
                    models.CharField(
                        choices=[
                            ("reaction", "Reaction, after attending"),
                            ("pre", "Before the course (learning)"),
                            ("post", "After the course (learning)"),
                            ("follow_up", "Follow-up, some weeks later (behaviour)"),
                        ],
                        max_length=20,
                    ),
                ),
                ("starts_on", models.DateField()),
                (
                    "quarter",
                    models.PositiveSmallIntegerField(
                        help_text="1 to 4; 0 for the rest of the year"
                    ),
                ),
                ("released_on", models.DateField()),
                ("withheld", models.BooleanField(default=False)),
                ("invited", models.PositiveIntegerField(default=0)),
                ("answered", models.PositiveIntegerField(default=0)),
                ("changed", models.PositiveIntegerField(blank=True, null=True)),
                ("questions", models.JSONField(blank=True, default=list)),
            ],
            options={
                "ordering": ["course", "timepoint", "starts_on", "quarter"],
            },
        ),
        migrations.AddField(
            model_name="response",
            name="anonymous",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="response",
            name="settled",
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(fields=["anonymous", "settled"], name="response_settling"),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(
                fields=["partnership", "anonymous", "course", "timepoint"],
                name="response_anonymous_pairs",
            ),
        ),
        migrations.AddField(
            model_name="releasedcell",
            name="course",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="training.course"
            ),
        ),
        migrations.AddField(
            model_name="releasedcell",
            name="partnership",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="partnerships.partnership",
            ),
        ),
        migrations.AddIndex(
            model_name="releasedcell",
            index=models.Index(
                fields=["partnership", "timepoint", "starts_on"],
                name="feedback_re_partner_a75d54_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="releasedcell",
            constraint=models.UniqueConstraint(
                fields=("course", "timepoint", "starts_on", "quarter"), name="released_once"
            ),
        ),
        migrations.RunPython(coarsen, migrations.RunPython.noop),
    ]
