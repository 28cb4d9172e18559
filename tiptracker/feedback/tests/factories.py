import factory

from tiptracker.feedback.models import Question, Survey, SurveyVersion
from tiptracker.partnerships.tests.factories import PartnershipFactory


class SurveyFactory(factory.django.DjangoModelFactory):
    """A survey with one version of one question."""

    class Meta:
        model = Survey
        skip_postgeneration_save = True

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Survey {n}")
    purpose = "reaction"

    @factory.post_generation
    def version(self, create: bool, extracted: object, **kwargs: object) -> None:
        if not create:
            return
        version = SurveyVersion.objects.create(
            survey=self,
            number=1,
            introduction="Tell us. You can leave any question blank.",
            anonymous=True,
        )
        Question.objects.create(version=version, position=1, kind="agreement", text="It helped.")
