"""The annual cycle (årshjul) that the process runs in."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PhaseKind(models.TextChoices):
    INTAKE = "intake", _("Intake of needs")
    QUALIFICATION = "qualification", _("Qualification")
    PRIORITISATION = "prioritisation", _("Directors' prioritisation")
    TRANSFER_CASE = "transfer_case", _("Transfer case: first pool round")
    BUDGET_NEGOTIATIONS = "budget_negotiations", _("Budget negotiations")
    FOLLOW_UP_MAY = "follow_up_may", _("Follow-up (May)")
    FOLLOW_UP_NOVEMBER = "follow_up_november", _("Follow-up (November)")


def default_phase_windows(budget_year: int) -> list[tuple[str, datetime.date, datetime.date]]:
    """The default dated phases for budget year Y, as in the annual cycle."""
    prior = budget_year - 1
    d = datetime.date
    return [
        (PhaseKind.INTAKE, d(prior, 1, 1), d(prior, 3, 31)),
        (PhaseKind.QUALIFICATION, d(prior, 3, 1), d(prior, 4, 30)),
        (PhaseKind.PRIORITISATION, d(prior, 4, 1), d(prior, 4, 30)),
        (PhaseKind.TRANSFER_CASE, d(prior, 5, 1), d(prior, 5, 31)),
        (PhaseKind.BUDGET_NEGOTIATIONS, d(prior, 8, 1), d(prior, 9, 30)),
        (PhaseKind.FOLLOW_UP_MAY, d(budget_year, 5, 1), d(budget_year, 5, 31)),
        (PhaseKind.FOLLOW_UP_NOVEMBER, d(budget_year, 11, 1), d(budget_year, 11, 30)),
    ]


class BudgetCycleQuerySet(models.QuerySet):
    def current(self, today: datetime.date | None = None):
        """The cycle the municipality works in today, with its phases.

        That is the earliest cycle whose budget negotiations have not ended yet
        (the intake for next year's budget starts in January), else the latest.
        One query reads the phases with their cycles (a handful a year) and the rule
        is applied to them; a second only when no negotiations lie ahead. The
        cycle's phases come with it, as ``prefetch_related("phases")`` would leave
        them: ``cycle.phases.all()`` and ``open_phases()`` ask no more (every page's
        header shows them).
        """
        today = today or timezone.localdate()
        phases_of: dict[int, list] = {}
        upcoming = None
        for phase in Phase.objects.filter(cycle__in=self).select_related("cycle"):
            phases_of.setdefault(phase.cycle_id, []).append(phase)
            if phase.kind == PhaseKind.BUDGET_NEGOTIATIONS and phase.ends_on >= today:
                if upcoming is None or phase.cycle.budget_year < upcoming.budget_year:
                    upcoming = phase.cycle
        cycle = upcoming or self.order_by("-budget_year").first()
        if cycle is not None:
            phases = cycle.phases.all()
            phases._result_cache = phases_of.get(cycle.pk, [])
            phases._prefetch_done = True
            cycle._prefetched_objects_cache = {"phases": phases}
        return cycle


class BudgetCycle(models.Model):
    """The yearly process for one budget year, e.g. "Budget 2027"."""

    budget_year = models.PositiveSmallIntegerField(_("budget year"), unique=True)

    objects = BudgetCycleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget cycle")
        verbose_name_plural = _("budget cycles")
        ordering = ["-budget_year"]

    def __str__(self):
        return _("Budget %(year)s") % {"year": self.budget_year}

    @property
    def out_years(self) -> list[int]:
        """The budget year and the three following overslagsår."""
        return [self.budget_year + offset for offset in range(4)]

    def open_phases(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return [p for p in self.phases.all() if p.is_open(today)]

    def is_phase_open(self, kind: str, today: datetime.date | None = None) -> bool:
        return any(p.kind == kind for p in self.open_phases(today))


class Phase(models.Model):
    """A dated window of the cycle in which certain transitions are possible."""

    cycle = models.ForeignKey(
        BudgetCycle, on_delete=models.CASCADE, related_name="phases", verbose_name=_("cycle")
    )
    kind = models.CharField(_("phase"), max_length=30, choices=PhaseKind.choices)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["cycle", "starts_on", "ends_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "kind"],
                name="phase_unique_kind",
                violation_error_message=_("The cycle already has this phase."),
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="phase_dates_ordered",
                violation_error_message=_("A phase cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.cycle}: {self.get_kind_display()}"

    def is_open(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.starts_on <= today <= self.ends_on


class CaseTransition(models.Model):
    """One change of a case's state: who moved it, from what, to what, and why.

    Written only by the transition services, in the same transaction as the
    state change; never edited afterwards.
    """

    case = models.ForeignKey(
        "portfolio.InvestmentCase",
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("case"),
    )
    from_state = models.CharField(_("from"), max_length=20)
    to_state = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(
        "portfolio.User",
        on_delete=models.PROTECT,
        related_name="case_transitions",
        verbose_name=_("by"),
    )
    comment = models.TextField(_("comment"), blank=True)
    # Set when the secretariat made the transition outside its phase.
    phase_override_reason = models.TextField(_("reason for acting outside the phase"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("case transition")
        verbose_name_plural = _("case transitions")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.case}: {self.from_state} → {self.to_state}"


class Notification(models.Model):
    """A message to one user about a case, shown in the app and sent by e-mail."""

    recipient = models.ForeignKey(
        "portfolio.User",
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    case = models.ForeignKey(
        "portfolio.InvestmentCase",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("case"),
    )
    subject = models.CharField(_("subject"), max_length=250)
    # The e-mail's text, with greeting and the case's full address.
    body = models.TextField(_("text"))
    # The short text shown in the app, which links to the case itself.
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.subject


class Recommendation(models.TextChoices):
    PRIORITISE = "prioritise", _("Prioritise")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended")


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The assessments this user may read: THE pre-decisional confidentiality rule.

        Scores, ranks and recommendations are the IT directors' circle's working
        material: the circle and the secretariat read all of them; everybody
        else reads only those of the cases they may read, and only once the
        secretariat has published the prioritisation of the case's cycle.
        """
        from governance.permissions import can_see_unpublished_assessments
        from portfolio.models import InvestmentCase

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if can_see_unpublished_assessments(user):
            return self.all()
        return self.filter(
            case__in=InvestmentCase.objects.visible_to(user),
            case__cycle__prioritisation__isnull=False,
        )


class Assessment(models.Model):
    """The IT directors' circle's assessment of one qualified case.

    Confidential until the secretariat publishes the cycle's prioritisation:
    read it through ``Assessment.objects.visible_to(user)``.
    """

    case = models.OneToOneField(
        "portfolio.InvestmentCase",
        on_delete=models.CASCADE,
        related_name="assessment",
        verbose_name=_("case"),
    )
    score = models.PositiveSmallIntegerField(
        _("score (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rank = models.PositiveSmallIntegerField(
        _("rank"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=20, choices=Recommendation.choices, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    assessed_by = models.ForeignKey(
        "portfolio.User",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("assessed by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AssessmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = [models.F("rank").asc(nulls_last=True), "-score", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5),
                name="assessment_score_range",
                violation_error_message=_("The score is from 1 to 5."),
            ),
        ]

    def __str__(self):
        return f"{self.case}: {self.score}"

    def clean(self):
        # The department is told why its case was not recommended.
        if self.recommendation == Recommendation.NOT_RECOMMENDED and not self.reason.strip():
            raise ValidationError(
                {"reason": _("Explain why the case is not recommended.")}
            )


class PrioritisationRound(models.Model):
    """The publication of a cycle's prioritisation by the secretariat.

    Until it exists, the IT directors' scores, ranks and recommendations for
    the cycle are confidential; publishing moves the qualified cases on.
    """

    cycle = models.OneToOneField(
        BudgetCycle,
        on_delete=models.PROTECT,
        related_name="prioritisation",
        verbose_name=_("cycle"),
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        "portfolio.User",
        on_delete=models.PROTECT,
        related_name="published_prioritisations",
        verbose_name=_("published by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("published prioritisation")
        verbose_name_plural = _("published prioritisations")

    def __str__(self):
        return _("Prioritisation for %(cycle)s") % {"cycle": self.cycle}


class CommitteeMeeting(models.Model):
    """A meeting of the Economic Committee (ØU) that the plan is put before."""

    cycle = models.ForeignKey(
        BudgetCycle,
        on_delete=models.PROTECT,
        related_name="committee_meetings",
        verbose_name=_("cycle"),
    )
    held_on = models.DateField(_("meeting date"))
    title = models.CharField(_("agenda item"), max_length=250)
    cases = models.ManyToManyField(
        "portfolio.InvestmentCase",
        blank=True,
        related_name="committee_meetings",
        verbose_name=_("cases"),
    )
    created_by = models.ForeignKey(
        "portfolio.User",
        on_delete=models.PROTECT,
        related_name="created_meetings",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[cases])

    class Meta:
        verbose_name = _("Economic Committee meeting")
        verbose_name_plural = _("Economic Committee meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{date_format(self.held_on, 'SHORT_DATE_FORMAT')}: {self.title}"


class DecisionOutcome(models.TextChoices):
    # The values are the case states the decision moves a case to.
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DEFERRED = "deferred", _("Deferred")


class Decision(models.Model):
    """The Economic Committee's decision on one case at one meeting."""

    case = models.ForeignKey(
        "portfolio.InvestmentCase",
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("case"),
    )
    meeting = models.ForeignKey(
        CommitteeMeeting,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("meeting"),
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=DecisionOutcome.choices)
    text = models.TextField(_("decision text"))
    decided_on = models.DateField(_("decided on"))
    recorded_by = models.ForeignKey(
        "portfolio.User",
        on_delete=models.PROTECT,
        related_name="recorded_decisions",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "meeting"],
                name="decision_unique_per_meeting",
                violation_error_message=_("The case already has a decision from this meeting."),
            )
        ]

    def __str__(self):
        return f"{self.case}: {self.get_outcome_display()}"


# The follow-up and "fælles først" live in their own sub-packages; importing
# their models here registers them with the governance app.
# The board and the plan live in their own sub-packages; importing them here
# registers their models with the governance app.
from governance.board.models import (  # noqa: E402,F401
    Board,
    BoardEntry,
    BoardMove,
    BoardPublication,
    Criterion,
    Score,
)
from governance.commonfirst.models import CrossCuttingCandidate  # noqa: E402,F401

# Models of governance's sub-packages, so that Django finds them in this app.
from governance.exports.models import ExportJob  # noqa: E402, F401
from governance.followup.models import (  # noqa: E402,F401
    CaseBaseline,
    FollowUpReport,
    FollowUpReportYear,
    FollowUpRound,
    TargetEntry,
)
from governance.plans.models import PlanVersion, PlanVersionAmount, PlanVersionCase  # noqa: E402,F401
