"""Answers become numbers (scales, and choices by position, one row per choice) or text, and
carry what results group by; responses keep the month of the training, the session and the
organisation; surveys can be closed; a one-choice question can mark the answer that means
"I changed my practice"."""

import django.db.models.deletion
from django.db import migrations, models


def convert(apps, schema_editor):  # type: ignore[no-untyped-def]
    Response = apps.get_model("feedback", "Response")
    Answer = apps.get_model("feedback", "Answer")
    for response in Response.objects.all().iterator():
        response.trained_in = response.given_on.replace(day=1)
        response.save(update_fields=["trained_in"])
    for answer in Answer.objects.select_related("response", "question").iterator():
        response, question, value = answer.response, answer.question, answer.value
        common = {
            "partnership_id": response.partnership_id,
            "course_id": response.course_id,
            "timepoint": response.timepoint,
            "trained_in": response.trained_in,
        }
        if question.kind == "text":
            Answer.objects.filter(pk=answer.pk).update(text=str(value), **common)
        elif question.kind in ("agreement", "rating"):
            Answer.objects.filter(pk=answer.pk).update(number=int(value), **common)
        else:
            chosen = value if isinstance(value, list) else [value]
            positions = [question.choices.index(c) for c in chosen if c in question.choices]
            if not positions:
                answer.delete()
                continue
            Answer.objects.filter(pk=answer.pk).update(number=positions[0], **common)
            for position in positions[1:]:
                Answer.objects.create(
                    response_id=response.pk, question_id=question.pk, number=position, **common
                )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0002_invitation"),
        ("partnerships", "0002_initial"),
        ("training", "0003_guest_sort_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="survey",
            name="closed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="question",
            name="change_answer",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="invitation",
            name="session",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="training.trainingsession",
            ),
        ),
        migrations.RemoveIndex(model_name="response", name="feedback_re_partner_e0d249_idx"),
        migrations.AddField(
            model_name="response",
            name="trained_in",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="response",
            name="session",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="training.trainingsession",
            ),
        ),
        migrations.AddField(
            model_name="response",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="partnerships.organisation",
            ),
        ),
        migrations.RemoveConstraint(model_name="answer", name="one_answer_per_question"),
        migrations.AddField(
            model_name="answer",
            name="number",
            field=models.SmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="answer", name="text", field=models.TextField(blank=True, default="")
        ),
        migrations.AddField(
            model_name="answer",
            name="partnership",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="partnerships.partnership",
            ),
        ),
        migrations.AddField(
            model_name="answer",
            name="course",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="training.course",
            ),
        ),
        migrations.AddField(
            model_name="answer",
            name="timepoint",
            field=models.CharField(default="", max_length=20),
        ),
        migrations.AddField(
            model_name="answer", name="trained_in", field=models.DateField(null=True)
        ),
        migrations.AddField(
            model_name="answer",
            name="session",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="training.trainingsession",
            ),
        ),
        migrations.AddField(
            model_name="answer",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="partnerships.organisation",
            ),
        ),
        migrations.RunPython(convert, migrations.RunPython.noop),
        migrations.RemoveField(model_name="answer", name="value"),
        migrations.AlterField(model_name="response", name="trained_in", field=models.DateField()),
        migrations.AlterField(
            model_name="answer",
            name="text",
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name="answer",
            name="partnership",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="partnerships.partnership",
            ),
        ),
        migrations.AlterField(
            model_name="answer",
            name="course",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="training.course",
            ),
        ),
        migrations.AlterField(
            model_name="answer",
            name="timepoint",
            field=models.CharField(
                choices=[
                    ("reaction", "Reaction, after attending"),
                    ("pre", "Before the course (learning)"),
                    ("post", "After the course (learning)"),
                    ("follow_up", "Follow-up, some weeks later (behaviour)"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(model_name="answer", name="trained_in", field=models.DateField()),
        migrations.AddConstraint(
            model_name="answer",
            constraint=models.UniqueConstraint(
                fields=("response", "question", "number"), name="one_answer_per_choice"
            ),
        ),
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(
                fields=["partnership", "course", "timepoint", "question", "number"],
                name="answer_counts",
            ),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(
                fields=["partnership", "course", "timepoint", "trained_in"],
                name="feedback_re_partner_92f56d_idx",
            ),
        ),
    ]
