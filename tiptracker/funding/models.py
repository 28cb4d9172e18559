"""Ring-fenced funding (issue 3, point 3): allocations received per financial year, and
the commitments made against them.

Amounts are exact decimals in pounds. Financial years are stored as written, `2022/23`
(tiptracker.lib.money.FinancialYear checks the form), which also sorts in date order.
"""

from decimal import Decimal

from django.db import models

from tiptracker.lib.history import PartnershipRecord, track
from tiptracker.lib.money import pounds_from_pence
from tiptracker.partnerships.models import Partnership


class Allocation(PartnershipRecord, models.Model):
    """Money allocated to the partnership for one financial year, e.g. £50,000.00 from the
    Scottish Government for 2022/23."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="allocations"
    )
    source = models.CharField(max_length=200)
    financial_year = models.CharField(max_length=7)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    purpose = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["financial_year", "source", "id"]
        indexes = [models.Index(fields=["partnership", "financial_year"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="allocation_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}, {self.financial_year}"

    # The balance, from the `committed_pence` that funding.selectors.with_balance adds.
    @property
    def committed(self) -> Decimal:
        return pounds_from_pence(self.committed_pence)  # type: ignore[attr-defined]

    @property
    def remaining(self) -> Decimal:
        """Negative when more is committed than allocated."""
        return self.amount - self.committed

    @property
    def over_by(self) -> Decimal:
        return max(self.committed - self.amount, Decimal(0))


class Commitment(PartnershipRecord, models.Model):
    """Money committed in a financial year: a post, a contract, a piece of work. Usually
    against one of that year's allocations; one without is allowed (the funding may be
    agreed before it arrives), and the funding page warns about it."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="commitments"
    )
    # RESTRICT, not PROTECT: deleting the partnership still takes both away; deleting an
    # allocation with commitments is refused (the service says so first, in words).
    allocation = models.ForeignKey(
        Allocation,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="commitments",
    )
    financial_year = models.CharField(max_length=7)
    what = models.CharField(max_length=300)
    partner = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["financial_year", "starts_on", "id"]
        indexes = [models.Index(fields=["partnership", "financial_year"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="commitment_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="commitment_ends_on_or_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.what}, {self.financial_year}"


track(Allocation)
track(Commitment)
