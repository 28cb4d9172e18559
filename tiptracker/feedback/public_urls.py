"""The survey a person answers from their e-mail, outside any partnership and open without a
login: the signed token in the personal link is the key (see tokens.py). Listed in
middleware.PUBLIC_URL_NAMES."""

from django.urls import path

from tiptracker.feedback.answer import survey_answer_page

urlpatterns = [path("<str:token>/", survey_answer_page, name="survey_answer")]
