"""Board reports: a report freezes the figures it was drafted from (figures), and the document
made from them (document), as JSON; later changes to the data change neither, until someone
refreshes a draft's figures on purpose. States are named transitions (states.py, lifecycle.py):
draft -> in review -> approved; an approved report is locked."""

from django.db import models

from tiptracker.partnerships.models import Membership, Partnership


class Report(models.Model):
    class State(models.TextChoices):
        # Being written: figures may be refreshed.
        DRAFT = "draft", "Draft"
        # With the steering group for comment: nothing changes until it returns to draft
        # or is approved.
        IN_REVIEW = "in_review", "In review"
        # Signed off for the board: locked.
        APPROVED = "approved", "Approved"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="reports")
    # The board's number for it (DIJBnn-YYYY), given by the clerk; blank until then.
    reference = models.CharField(max_length=60, blank=True)
    title = models.CharField(max_length=300)
    # The cover: who the report goes to and the meeting's date; who it is by (a designation).
    report_to = models.CharField(max_length=300, blank=True)
    meeting_date = models.DateField(null=True, blank=True)
    report_by = models.CharField(max_length=300, blank=True)
    # The close: the author's name and designation, and the report's date.
    author_name = models.CharField(max_length=300, blank=True)
    author_designation = models.CharField(max_length=300, blank=True)
    report_date = models.DateField(null=True, blank=True)
    # The clerk's choices for sections 5, 6, 8 and 9 (papers.py checks and lays them over
    # the draft): the direction (papers.DIRECTIONS), the risks (a list of papers.risk_checked
    # dicts; none: the "not subject to a risk assessment" statement), the integrated impact
    # assessment, and the background papers ([{"title", "link"}]).
    direction = models.CharField(max_length=20, default="none")
    risks = models.JSONField(default=list, blank=True)
    impact_assessed = models.BooleanField(default=False)
    impact_summary = models.CharField(max_length=2000, blank=True)
    impact_link = models.URLField(max_length=500, blank=True)
    background_papers = models.JSONField(default=list, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    # The frozen figures (frozen.figures_to_json) and the document (frozen.document_to_json).
    figures = models.JSONField()
    document = models.JSONField()
    # The steering group's words: Paragraph.ident (what it is about, or its number) -> text,
    # laid over the drafted document's paragraphs (paper.report_document), so a refresh
    # of the figures keeps them on the paragraph they were written for.
    edits = models.JSONField(default=dict, blank=True)
    # The clerk's structure over the drafted paragraphs (layout.py): own paragraphs added,
    # drafted ones left out, each section's order.
    layout = models.JSONField(default=dict, blank=True)
    # For the no-lost-update check: every edit saves from the version it read.
    version = models.PositiveIntegerField(default=1)
    figures_taken_at = models.DateTimeField()
    # The partnership's Word template as it was when the report was approved (None: the
    # default), so that a later template changes no approved report.
    approved_template = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-period_end", "-id"]
        indexes = [models.Index(fields=["partnership", "-period_end"], name="report_by_period")]

    def __str__(self) -> str:
        return self.title


class ReportEvent(models.Model):
    """The report's history: who did what, when; for a refresh, what changed."""

    class Action(models.TextChoices):
        CREATED = "created", "Created the draft"
        REFRESHED = "refreshed", "Refreshed the figures"
        SUBMITTED = "submitted", "Sent for review"
        RETURNED = "returned", "Returned to draft"
        APPROVED = "approved", "Approved"
        EDITED = "edited", "Edited the words"
        NUMBERED = "numbered", "Gave the report its number"
        COVERED = "covered", "Changed the cover and close"
        DECIDED = "decided", "Changed the impact assessment, risks, direction or papers"
        CONSULTED = "consulted", "Recorded a consultation"
        UNCONSULTED = "unconsulted", "Removed a consultation"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_name = models.CharField(max_length=300, blank=True)
    action = models.CharField(max_length=12, choices=Action.choices)
    # For a refresh: the lines of what changed (frozen.figures_changes).
    changes = models.JSONField(default=list, blank=True)
    # For an edit: {paragraph number (as it was): [before, after]}.
    edited = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class Consultation(models.Model):
    """Who was consulted in preparing a report (section 7 names them): a group or a post,
    and when. Recorded on a draft; an approved report's consultations are locked with it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="consultations")
    # "Members of the Trauma Steering Group", "the Chief Finance Officer", "the Clerk".
    consultee = models.CharField(max_length=300)
    consulted_on = models.DateField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["consulted_on", "id"]

    def __str__(self) -> str:
        return self.consultee


class ReportTemplate(models.Model):
    """A partnership's own Word template for its board reports (its house style), with
    docxtpl placeholders; checked when uploaded. Without one, the product's default is used."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="report_template"
    )
    # The .docx itself: small, and kept with the data it belongs to (no file storage to run).
    content = models.BinaryField()
    filename = models.CharField(max_length=255)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.filename
