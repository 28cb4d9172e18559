"""The tenant (Partnership) and who may act in it (Membership)."""

from django.conf import settings
from django.db import models

from tiptracker.lib.history import PartnershipRecord, track


class Partnership(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    # Single sign-on: a person with no account whose organisation's sign-in vouches for the
    # e-mail address of one of this partnership's current staff records gets an account and
    # the staff role here. Off until a partnership administrator turns it on.
    sso_staff_sign_in = models.BooleanField(
        "People with a staff record may sign in with their organisation's account",
        default=False,
    )
    # Whether its indicators take part in comparisons between partnerships (the national
    # view: aggregates only, small numbers withheld). Off until the partnership chooses
    # (tiptracker partnership share SLUG --national on); indicators/sharing.py changes it.
    shares_indicators = models.BooleanField(
        "Our indicators take part in comparisons between partnerships", default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        NHS_BOARD = "nhs_board", "NHS board"
        HSCP = "hscp", "Health and social care partnership"
        THIRD_SECTOR = "third_sector", "Third sector"
        OTHER = "other", "Other"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="organisations"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"], name="organisation_name_unique_in_partnership"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    LD_OFFICER = "ld_officer", "Learning and development officer"
    # A manager sees and books only for the teams listed in their ManagedTeam rows.
    MANAGER = "manager", "Manager"
    STAFF = "staff", "Staff member"
    # The only role that will see the lived-experience route (its own issue).
    LE_COORDINATOR = "le_coordinator", "Lived-experience coordinator"
    # Reads dashboards and reports; changes nothing.
    BOARD = "board", "Board member"


class Membership(PartnershipRecord, models.Model):
    """One user's one role in one partnership. A user may hold memberships in several."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    # The staff record that is this user in this partnership, for booking themselves.
    staff = models.ForeignKey(
        "workforce.StaffMember",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partnership__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "user"], name="one_membership_per_partnership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.partnership}"


class ManagedTeam(models.Model):
    """A team a manager manages: what their manager role lets them see and book for."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="managed_teams"
    )
    team = models.ForeignKey("workforce.Team", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "team"], name="managed_team_once")
        ]

    def __str__(self) -> str:
        return f"{self.membership} manages {self.team}"


track(Membership)
