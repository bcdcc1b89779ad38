"""The three financing channels for digital investments, their capacity, the
money allocated to cases, internal loans, the pool's criteria and the price index."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ChannelKind(models.TextChoices):
    FRAME = "frame", _("Multi-year frame")
    LOAN = "loan", _("Internal loan for re-tendering")
    POOL = "pool", _("Investment and innovation pool")


class PoolRound(models.TextChoices):
    """The pool gives money twice a year; the other channels have no rounds ("")."""

    TRANSFER = "transfer", _("Transfer case (spring)")
    BUDGET = "budget", _("Budget (autumn)")


class FinancingChannel(models.Model):
    """A way a digital investment can be financed, with the criteria it sets."""

    kind = models.CharField(_("kind"), max_length=10, choices=ChannelKind.choices, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    criteria = models.TextField(_("criteria"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("financing channel")
        verbose_name_plural = _("financing channels")
        ordering = ["kind"]

    def __str__(self):
        return self.name


class ChannelCapacity(models.Model):
    """How much a channel can give in one year: a hard limit for allocations."""

    channel = models.ForeignKey(
        FinancingChannel,
        on_delete=models.CASCADE,
        related_name="capacities",
        verbose_name=_("channel"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # The pool's capacity may be set per round; blank: for the whole year.
    round = models.CharField(
        _("round"), max_length=10, choices=PoolRound.choices, blank=True, default=""
    )
    amount = models.BigIntegerField(_("capacity (kr.)"))
    price_year = models.PositiveSmallIntegerField(_("price level (p/l)"))
    # Demo figures must never be mistaken for decided amounts.
    is_demo = models.BooleanField(_("demo figure"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("channel capacity")
        verbose_name_plural = _("channel capacities")
        ordering = ["channel", "year", "round"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "year", "round"],
                name="channelcapacity_unique_year",
                violation_error_message=_("The channel already has a capacity for this year."),
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="channelcapacity_amount_nonnegative",
                violation_error_message=_("A capacity cannot be negative."),
            ),
        ]

    def __str__(self):
        if self.round:
            return f"{self.channel} {self.year} ({self.get_round_display()})"
        return f"{self.channel} {self.year}"


class PriceIndex(models.Model):
    """The price and wage level (p/l) of a year as an index; the secretariat keeps it.

    Amounts move between price levels by the ratio of two indices
    (``financing.prices.convert``).
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    index = models.DecimalField(_("index"), max_digits=9, decimal_places=3)
    is_demo = models.BooleanField(_("demo figure"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("price index")
        verbose_name_plural = _("price indices")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(index__gt=0),
                name="priceindex_positive",
                violation_error_message=_("A price index must be above zero."),
            )
        ]

    def __str__(self):
        return f"{self.year}: {self.index}"


class Allocation(models.Model):
    """Money for one case from one channel in one year, in the cycle's price level.

    Three steps: requested by the department, recommended by the directors or
    the secretariat, granted with the Economic Committee's decision (possibly
    less than requested). Only the services in ``financing.services`` change it.
    """

    case = models.ForeignKey(
        "portfolio.InvestmentCase",
        on_delete=models.CASCADE,
        related_name="allocations",
        verbose_name=_("case"),
    )
    channel = models.ForeignKey(
        FinancingChannel,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("channel"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    round = models.CharField(
        _("round"), max_length=10, choices=PoolRound.choices, blank=True, default=""
    )
    requested = models.BigIntegerField(_("requested (kr.)"), default=0)
    recommended = models.BigIntegerField(_("recommended (kr.)"), null=True, blank=True)
    granted = models.BigIntegerField(_("granted (kr.)"), null=True, blank=True)
    # Why the secretariat let this allocation pass the channel's capacity.
    override_reason = models.TextField(_("reason for exceeding the capacity"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        # "case_id", not "case": "case" means the case's own order, a join to every case.
        ordering = ["case_id", "channel", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "channel", "year"],
                name="allocation_unique_year",
                violation_error_message=_("The case already has an allocation this year."),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(requested__gte=0)
                    & (models.Q(recommended__isnull=True) | models.Q(recommended__gte=0))
                    & (models.Q(granted__isnull=True) | models.Q(granted__gte=0))
                ),
                name="allocation_amounts_nonnegative",
                violation_error_message=_("Amounts cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.case} – {self.channel} {self.year}"

    @property
    def committed(self) -> int:
        """What the allocation takes of the capacity: the grant once there is one,
        before that the recommendation."""
        if self.granted is not None:
            return self.granted
        return self.recommended or 0


class LoanTerms(models.Model):
    """The default terms of the internal loans given in a cycle."""

    cycle = models.OneToOneField(
        "governance.BudgetCycle",
        on_delete=models.CASCADE,
        related_name="loan_terms",
        verbose_name=_("budget cycle"),
    )
    term_years = models.PositiveSmallIntegerField(_("repayment years"), default=5)
    rate = models.DecimalField(_("interest rate (%)"), max_digits=5, decimal_places=2, default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loan terms")
        verbose_name_plural = _("loan terms")

    def __str__(self):
        return f"{self.cycle}: {self.term_years} / {self.rate} %"


class Loan(models.Model):
    """An internal loan for re-tendering, repaid by the borrowing department.

    Made from a grant in the loan channel; its repayment schedule
    (``LoanInstalment`` rows) is derived by ``financing.loans.schedule``.
    """

    case = models.OneToOneField(
        "portfolio.InvestmentCase",
        on_delete=models.PROTECT,
        related_name="loan",
        verbose_name=_("case"),
    )
    department = models.ForeignKey(
        "portfolio.Department",
        on_delete=models.PROTECT,
        related_name="loans",
        verbose_name=_("borrowing department"),
    )
    principal = models.BigIntegerField(_("principal (kr.)"))
    payout_year = models.PositiveSmallIntegerField(_("payout year"))
    term_years = models.PositiveSmallIntegerField(_("repayment years"))
    rate = models.DecimalField(_("interest rate (%)"), max_digits=5, decimal_places=2)
    price_year = models.PositiveSmallIntegerField(_("price level (p/l)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("internal loan")
        verbose_name_plural = _("internal loans")
        ordering = ["department", "payout_year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(principal__gt=0),
                name="loan_principal_positive",
                violation_error_message=_("A loan must lend more than zero."),
            ),
            models.CheckConstraint(
                condition=models.Q(term_years__gte=1, term_years__lte=30),
                name="loan_term_range",
                violation_error_message=_("A loan is repaid over 1 to 30 years."),
            ),
            models.CheckConstraint(
                condition=models.Q(rate__gte=0),
                name="loan_rate_nonnegative",
                violation_error_message=_("The interest rate cannot be negative."),
            ),
        ]

    def __str__(self):
        return _("Loan for %(case)s") % {"case": self.case}


class LoanInstalment(models.Model):
    """One year's repayment of a loan: principal and interest in whole kroner."""

    loan = models.ForeignKey(
        Loan, on_delete=models.CASCADE, related_name="instalments", verbose_name=_("loan")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    principal_part = models.BigIntegerField(_("principal (kr.)"))
    interest_part = models.BigIntegerField(_("interest (kr.)"))
    # Set on the instalment a political decision moved here from an earlier year.
    moved_from_year = models.PositiveSmallIntegerField(
        _("moved from year"), null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loan instalment")
        verbose_name_plural = _("loan instalments")
        ordering = ["loan", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "year"],
                name="loaninstalment_unique_year",
                violation_error_message=_("The loan already has an instalment this year."),
            ),
            models.CheckConstraint(
                condition=models.Q(principal_part__gte=0, interest_part__gte=0),
                name="loaninstalment_nonnegative",
                violation_error_message=_("Instalments cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.loan} {self.year}"

    @property
    def total(self) -> int:
        return self.principal_part + self.interest_part


class LoanReschedule(models.Model):
    """A political decision that moved one instalment of a loan to a later year."""

    loan = models.ForeignKey(
        Loan, on_delete=models.CASCADE, related_name="reschedules", verbose_name=_("loan")
    )
    from_year = models.PositiveSmallIntegerField(_("from year"))
    to_year = models.PositiveSmallIntegerField(_("to year"))
    reason = models.TextField(_("decision and reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    decided_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("loan rescheduling")
        verbose_name_plural = _("loan reschedulings")
        ordering = ["loan", "decided_at"]

    def __str__(self):
        return f"{self.loan}: {self.from_year} → {self.to_year}"


class PoolRules(models.Model):
    """The investment and innovation pool's criteria in one cycle (the secretariat
    sets them); ``financing.selectors.pool_result`` evaluates a case against them."""

    cycle = models.OneToOneField(
        "governance.BudgetCycle",
        on_delete=models.CASCADE,
        related_name="pool_rules",
        verbose_name=_("budget cycle"),
    )
    max_payback_years = models.PositiveSmallIntegerField(
        _("maximum payback period (years)"), null=True, blank=True
    )
    require_gains = models.BooleanField(_("the case must have gains"), default=True)
    gains_cover_within_years = models.PositiveSmallIntegerField(
        _("gains must match the investment within (years)"), null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pool rules")
        verbose_name_plural = _("pool rules")

    def __str__(self):
        return _("Pool rules, %(cycle)s") % {"cycle": self.cycle}
