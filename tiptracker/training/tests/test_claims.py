"""Learning done elsewhere: a member of staff claims a course with evidence; an L&D officer
or administrator approves it (a completion from the claimed date) or rejects it with a
reason; the claimant is told by e-mail."""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tiptracker.lib.dates import today
from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Role
from tiptracker.training import claims
from tiptracker.training.coverage import coverage
from tiptracker.training.models import ClaimEvidence, Completion, LearningClaim
from tiptracker.training.tests.factories import CourseFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture
def course(partnership):
    return CourseFactory(partnership=partnership, title="Trauma Skilled", level=Level.SKILLED)


def new_url(partnership):
    return f"/p/{partnership.slug}/my-training/learning-elsewhere/"


def form(course, day=dt.date(2023, 5, 17), note="NHS Fife, certificate 1234", **extra):
    values = {
        "course": str(course.pk),
        "completed_on_0": str(day.day),
        "completed_on_1": str(day.month),
        "completed_on_2": str(day.year),
        "evidence_note": note,
    }
    values.update(extra)
    return values


def claim_for(member, course, **changes):
    values = {"completed_on": dt.date(2023, 5, 17), "evidence_note": "Certificate 1234"}
    values.update(changes)
    return claims.claim_create(actor=member.user, staff=member.staff, course=course, **values)


# Claiming ------------------------------------------------------------------------------------


def test_a_member_claims_a_course_with_a_file(member, login, partnership, course):
    response = login(member).post(
        new_url(partnership),
        form(course, note="", evidence=SimpleUploadedFile("Certificate (1).pdf", PDF)),
        follow=True,
    )
    page = response.content.decode()
    assert "Your record of completing Trauma Skilled is waiting for approval." in page
    claim = LearningClaim.objects.get()
    assert (claim.staff, claim.course, claim.completed_on, claim.status) == (
        member.staff,
        course,
        dt.date(2023, 5, 17),
        LearningClaim.Status.PENDING,
    )
    assert claim.evidence.name == "Certificate (1).pdf"
    assert bytes(claim.evidence.data) == PDF
    # Until approved it does not count: My training says it waits.
    assert not Completion.objects.exists()
    assert "Waiting for approval" in page


def test_a_note_alone_is_evidence_enough(member, login, partnership, course):
    login(member).post(new_url(partnership), form(course))
    assert LearningClaim.objects.get().evidence_note == "NHS Fife, certificate 1234"
    assert not ClaimEvidence.objects.exists()


def test_without_a_note_or_a_file_the_claim_is_refused(member, login, partnership, course):
    page = login(member).post(new_url(partnership), form(course, note="  ")).content.decode()
    assert "Say where and how you completed the course, or attach a file as evidence" in page
    assert not LearningClaim.objects.exists()


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (today() + dt.timedelta(days=1), "The date you completed it must be today or in the past"),
        (dt.date(1999, 12, 31), "The date you completed it must be on or after 1 January 2000"),
    ],
)
def test_a_date_in_the_future_or_before_2000_is_refused(
    member, login, partnership, course, day, message
):
    page = login(member).post(new_url(partnership), form(course, day=day)).content.decode()
    assert message in page
    assert not LearningClaim.objects.exists()


def test_a_date_that_does_not_exist_is_refused(member, login, partnership, course):
    values = form(course)
    values["completed_on_0"] = "31"
    values["completed_on_1"] = "2"
    page = login(member).post(new_url(partnership), values).content.decode()
    assert "The date you completed it must be a real date" in page


def test_a_file_too_big_is_refused_with_its_size(member, login, partnership, course):
    big = PDF + b"0" * (6 * 1024 * 1024)
    page = (
        login(member)
        .post(new_url(partnership), form(course, evidence=SimpleUploadedFile("big.pdf", big)))
        .content.decode()
    )
    assert "The file must be smaller than 5 MB: it is 6 MB" in page
    assert not LearningClaim.objects.exists()


def test_a_file_just_over_the_limit_is_refused_too(member, course):
    with pytest.raises(ValidationError, match="smaller than 5 MB: it is a little larger"):
        claim_for(
            member, course, upload=claims.Upload(name="c.pdf", data=PDF + b"0" * claims.MAX_BYTES)
        )
    assert not LearningClaim.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "run.exe",
            b"MZ\x90\x00",
            "The file must be a PDF, a photo or scan (.jpg or .png), or a Word document",
        ),
        (
            "certificate.pdf",
            b"MZ\x90\x00 not a pdf",
            "The file is not a real PDF: its contents do not match its name",
        ),
        ("photo.jpg", PNG, "The file is not a real JPEG image"),
        ("letter.docx", b"PK\x03\x04 not a zip", "The file is not a real Word document"),
        ("empty.pdf", b"", "The chosen file is empty"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused(
    member, login, partnership, course, name, data, message
):
    page = (
        login(member)
        .post(new_url(partnership), form(course, evidence=SimpleUploadedFile(name, data)))
        .content.decode()
    )
    assert message in page
    assert not LearningClaim.objects.exists() and not ClaimEvidence.objects.exists()


@pytest.mark.parametrize(("name", "data"), [("scan.png", PNG), ("letter.docx", docx())])
def test_images_and_word_documents_are_accepted(member, course, name, data):
    claim = claim_for(member, course, upload=claims.Upload(name=name, data=data))
    assert claim.evidence.content_type == claims.evidence_type(name).content_type


def test_another_partnerships_course_cannot_be_claimed(
    member, login, partnership, other_partnership
):
    theirs = CourseFactory(partnership=other_partnership)
    page = login(member).post(new_url(partnership), form(theirs)).content.decode()
    assert "Choose one of the courses in the list" in page
    with pytest.raises(ValidationError):
        claim_for(member, theirs)


def test_a_member_without_a_staff_record_is_told_why_they_cannot_claim(
    persona, login, partnership, course
):
    board = persona(Role.BOARD)
    client = login(board)
    page = client.get(new_url(partnership)).content.decode()
    assert "not linked to a staff record" in page
    client.post(new_url(partnership), form(course))
    assert not LearningClaim.objects.exists()


# The evidence file ---------------------------------------------------------------------------


def evidence_url(claim):
    return f"/p/{claim.partnership.slug}/claims/{claim.pk}/evidence/"


def test_the_file_goes_only_to_the_claimant_and_those_who_decide(
    member, persona, login, partnership, course, team
):
    claim = claim_for(member, course, upload=claims.Upload(name="c.pdf", data=PDF))
    response = login(member).get(evidence_url(claim))
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="c.pdf"'
    assert "no-store" in response["Cache-Control"]
    for role in (Role.ADMIN, Role.LD_OFFICER):
        assert login(persona(role)).get(evidence_url(claim)).status_code == 200
    # Another member of staff, and the claimant's own manager, are not shown it.
    colleague = persona(Role.STAFF, staff=StaffMemberFactory(team=team))
    manager = persona(Role.MANAGER, teams=[team])
    for other in (colleague, manager, persona(Role.BOARD)):
        assert login(other).get(evidence_url(claim)).status_code == 404


def test_another_partnership_cannot_reach_the_file(member, outsider, login, course):
    claim = claim_for(member, course, upload=claims.Upload(name="c.pdf", data=PDF))
    assert login(outsider).get(evidence_url(claim)).status_code == 404
    other = f"/p/{outsider.partnership.slug}/claims/{claim.pk}/evidence/"
    assert login(outsider).get(other).status_code == 404


def test_the_file_is_not_kept_under_the_public_media(settings, member, course):
    claim_for(member, course, upload=claims.Upload(name="c.pdf", data=PDF))
    media = getattr(settings, "MEDIA_ROOT", "") or ""
    static = str(getattr(settings, "STATIC_ROOT", "") or "")
    from pathlib import Path

    for root in (media, static):
        if root and Path(root).exists():
            assert not list(Path(root).rglob("c.pdf"))


# Deciding -----------------------------------------------------------------------------------


def decide_url(claim):
    return f"/p/{claim.partnership.slug}/claims/{claim.pk}/"


def test_training_admins_see_the_claims_waiting(admin, ld, member, login, partnership, course):
    claim_for(member, course)
    for who in (admin, ld):
        page = login(who).get(f"/p/{partnership.slug}/claims/").content.decode()
        assert str(member.staff) in page and "Trauma Skilled" in page and "1 waiting" in page
    administration = login(ld).get(f"/p/{partnership.slug}/administration/").content.decode()
    assert f"/p/{partnership.slug}/claims/" in administration
    assert "Claims to review (1 waiting)" in administration


@pytest.mark.parametrize("role", [Role.MANAGER, Role.STAFF, Role.BOARD])
def test_managers_and_staff_cannot_approve(persona, member, login, course, team, role):
    claim = claim_for(member, course)
    who = (
        member
        if role == Role.STAFF
        else persona(role, teams=[team] if role == Role.MANAGER else ())
    )
    client = login(who)
    assert client.post(decide_url(claim), {"decision": "approve"}).status_code == 403
    assert client.get(f"/p/{claim.partnership.slug}/claims/").status_code == 403
    claim.refresh_from_db()
    assert claim.status == LearningClaim.Status.PENDING
    assert not Completion.objects.exists()


def test_another_partnerships_admin_cannot_decide(member, outsider, login, course):
    claim = claim_for(member, course)
    other = f"/p/{outsider.partnership.slug}/claims/{claim.pk}/"
    assert login(outsider).post(other, {"decision": "approve"}).status_code == 404
    assert login(outsider).post(decide_url(claim), {"decision": "approve"}).status_code == 404
    assert LearningClaim.objects.get().status == LearningClaim.Status.PENDING


def _link(message) -> str:
    found = re.search(r"https?://\S+", message.body)
    assert found, message.body
    return found.group(0).split("://", 1)[1].split("/", 1)[1]


def test_approving_records_a_completion_from_the_claimed_date_and_tells_the_claimant(
    ld, member, login, partnership, course, team, django_capture_on_commit_callbacks
):
    member.user.email = "sam@example.org"
    member.user.save()
    claim = claim_for(member, course, completed_on=dt.date(2023, 5, 17))
    before = coverage(
        partnership_id=partnership.pk, partnership_slug=partnership.slug, as_of=today()
    )
    with_need = lambda result: {row.level: row.met for row in result.totals}  # noqa: E731
    assert with_need(before)[Level.SKILLED] == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = login(ld).post(decide_url(claim), {"decision": "approve"}, follow=True)
    assert "Approved:" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == LearningClaim.Status.APPROVED
    assert claim.decided_by == ld.user and claim.decided_at is not None
    completion = Completion.objects.get()
    assert (completion.staff, completion.course, completion.completed_on, completion.source) == (
        member.staff,
        course,
        dt.date(2023, 5, 17),
        Completion.Source.CLAIM,
    )
    assert claim.completion == completion
    # Coverage counts it from the claimed date, not before.
    on = coverage(
        partnership_id=partnership.pk, partnership_slug=partnership.slug, as_of=dt.date(2023, 5, 17)
    )
    earlier = coverage(
        partnership_id=partnership.pk, partnership_slug=partnership.slug, as_of=dt.date(2023, 5, 16)
    )
    assert with_need(on)[Level.INFORMED] == 1 and with_need(earlier)[Level.INFORMED] == 0

    (message,) = mail.outbox
    assert message.to == ["sam@example.org"]
    assert message.subject == "Approved: your learning record for Trauma Skilled"
    assert "17 May 2023 has been approved" in message.body
    page = login(member).get("/" + _link(message))
    assert page.status_code == 200
    text = page.content.decode()
    assert "My training" in text and "Attended a session" not in text
    assert "Learning done elsewhere (approved claim)" in text


def test_rejecting_needs_a_reason_which_the_claimant_is_told(
    admin, member, login, course, django_capture_on_commit_callbacks
):
    member.user.email = "sam@example.org"
    member.user.save()
    claim = claim_for(member, course)
    client = login(admin)
    page = client.post(decide_url(claim), {"decision": "reject", "reason": " "}).content.decode()
    assert "Say why the claim is not approved: the person is told" in page
    assert LearningClaim.objects.get().status == LearningClaim.Status.PENDING
    assert not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            decide_url(claim),
            {"decision": "reject", "reason": "The certificate is for another course."},
        )
    claim.refresh_from_db()
    assert claim.status == LearningClaim.Status.REJECTED
    assert claim.reason == "The certificate is for another course."
    assert not Completion.objects.exists()
    (message,) = mail.outbox
    assert message.subject == "Not approved: your learning record for Trauma Skilled"
    assert "The reason given: The certificate is for another course." in message.body
    mine = login(member).get("/" + _link(message)).content.decode()
    assert "Not approved" in mine and "The certificate is for another course." in mine


def test_a_decided_claim_cannot_be_decided_again(
    ld, admin, member, login, course, django_capture_on_commit_callbacks
):
    claim = claim_for(member, course)
    with django_capture_on_commit_callbacks(execute=True):
        login(ld).post(decide_url(claim), {"decision": "approve"})
    assert len(mail.outbox) == 1
    mail.outbox.clear()
    for decision in ({"decision": "approve"}, {"decision": "reject", "reason": "No"}):
        with django_capture_on_commit_callbacks(execute=True):
            response = login(admin).post(decide_url(claim), decision)
        assert response.status_code == 200
        assert "This claim was approved already" in response.content.decode()
    assert Completion.objects.count() == 1
    assert LearningClaim.objects.get().status == LearningClaim.Status.APPROVED
    assert not mail.outbox
    with pytest.raises(ValidationError, match="cannot be decided again"):
        claims.claim_approve(actor=admin.user, claim=claim)


def test_an_empty_decision_asks_for_one(admin, member, login, course):
    claim = claim_for(member, course)
    page = login(admin).post(decide_url(claim), {}).content.decode()
    assert "Choose whether to approve the claim" in page
    assert LearningClaim.objects.get().status == LearningClaim.Status.PENDING


def test_a_completion_recorded_meanwhile_that_day_is_not_doubled(admin, member, course):
    claim = claim_for(member, course)
    # An import brought the same completion while the claim waited.
    Completion.objects.create(
        partnership=course.partnership,
        staff=member.staff,
        course=course,
        completed_on=dt.date(2023, 5, 17),
    )
    claim = claims.claim_approve(actor=admin.user, claim=claim)
    assert Completion.objects.count() == 1 and claim.completion is not None


def test_the_same_course_and_day_cannot_be_claimed_twice_or_when_already_counted(
    member, login, partnership, course
):
    client = login(member)
    client.post(new_url(partnership), form(course))
    page = client.post(new_url(partnership), form(course)).content.decode()
    assert (
        "You have recorded Trauma Skilled on 17 May 2023 already: it is waiting for approval"
        in page
    )
    assert LearningClaim.objects.count() == 1
    Completion.objects.create(
        partnership=partnership, staff=member.staff, course=course, completed_on=dt.date(2023, 6, 1)
    )
    page = client.post(new_url(partnership), form(course, day=dt.date(2023, 6, 1))).content.decode()
    assert "Trauma Skilled on 1 June 2023 is already on your record" in page
    assert LearningClaim.objects.count() == 1


def test_an_ld_officer_cannot_decide_their_own_claim(persona, login, team, course):
    """Claims are approved by someone else: an L&D officer with a staff record who claims a
    course finds it in the list but cannot approve or reject it; another officer can."""
    officer = persona(Role.LD_OFFICER, staff=StaffMemberFactory(team=team))
    claim = claim_for(officer, course)
    client = login(officer)
    page = client.get(decide_url(claim)).content.decode()
    assert "This is your own claim" in page and "Approve the claim" not in page
    for decision in ({"decision": "approve"}, {"decision": "reject", "reason": "Mine"}):
        response = client.post(decide_url(claim), decision)
        assert "This is your own claim" in response.content.decode()
    assert LearningClaim.objects.get().status == LearningClaim.Status.PENDING
    assert not Completion.objects.exists()
    with pytest.raises(ValidationError, match="your own claim"):
        claims.claim_approve(actor=officer.user, claim=claim)
    claims.claim_approve(actor=persona(Role.LD_OFFICER).user, claim=claim)
    assert Completion.objects.get().source == Completion.Source.CLAIM
