"""Departments, their people, and the investment cases they submit."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    """The roles of the process; each is a Django group of the same name."""

    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    DEPARTMENT_IT_LEAD = "department_it_lead", _("Department IT lead")
    IT_DIRECTORS = "it_directors", _("IT directors' circle")
    SECRETARIAT = "secretariat", _("Secretariat")
    COMMITTEE_READER = "committee_reader", _("Committee reader")


class Department(models.Model):
    """A forvaltning: one of the seven departments of the municipality."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    # Budget notes carry codes such as "ØK34" or "TM14": the prefix and a number.
    note_prefix = models.CharField(_("budget note prefix"), max_length=4, unique=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class User(AbstractUser):
    """A person using KK Digital. Personal data is kept to name, e-mail, department and role."""

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("department"),
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        """The user's role names, read once per request."""
        if not self.is_active:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


class CaseScope(models.TextChoices):
    CROSS_CUTTING = "cross_cutting", _("Cross-cutting")
    DEPARTMENT = "department", _("Department-specific")


class CaseType(models.TextChoices):
    NEW_TECHNOLOGY = "new_technology", _("New technology")
    DIGITAL_SOLUTION = "digital_solution", _("Digital solution")
    PLATFORM = "platform", _("Platform")
    TRANSITION = "transition", _("Transition of processes and competences")
    RETENDER = "retender", _("Re-tendering")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class CaseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    QUALIFIED = "qualified", _("Qualified")
    PRIORITISED = "prioritised", _("Prioritised")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended")
    FORWARDED = "forwarded", _("Forwarded to the Economic Committee")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DEFERRED = "deferred", _("Deferred")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# States a case is in once its department has sent it on.
SUBMITTED_STATES = tuple(s for s in CaseState if s not in (CaseState.DRAFT,))
# States of the cases that are part of the plan put before the Economic Committee.
COMMITTEE_STATES = (
    CaseState.FORWARDED,
    CaseState.APPROVED,
    CaseState.REJECTED,
    CaseState.DEFERRED,
    CaseState.IN_PROGRESS,
    CaseState.COMPLETED,
)


class InvestmentCaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The cases this user may read, by role and department.

        The secretariat reads all; the IT directors' circle reads every case a
        department has submitted; committee readers read the cases put before
        the committee; department users read their own department's cases and
        the submitted cases their department takes part in. Nobody outside a
        department sees its drafts.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_role(Role.SECRETARIAT):
            return self.all()
        # "Submitted" is what happened, not the state's name: a draft withdrawn
        # before it was ever sent on stays the department's own. Every other
        # state after draft is reached only through a submission; for a
        # withdrawn case the submit transition's record is the fact
        # (governance.CaseTransition, reached by its related name so that
        # portfolio imports nothing from governance).
        transitions = self.model._meta.get_field("transitions").related_model
        was_submitted = models.Exists(
            transitions.objects.filter(case=models.OuterRef("pk"), to_state=CaseState.SUBMITTED)
        )
        # The cheap test before the subquery, in every AND below: PostgreSQL keeps
        # the written order inside a condition and reads a subquery (all submit
        # transitions, all participations of the department) only once a row asks.
        sent_on = models.Q(state__in=SUBMITTED_STATES) & ~models.Q(state=CaseState.WITHDRAWN)
        sent_on |= models.Q(models.Q(state=CaseState.WITHDRAWN), was_submitted)
        q = models.Q(pk__in=[])
        if user.has_role(Role.IT_DIRECTORS):
            q |= sent_on
        if user.has_role(Role.COMMITTEE_READER):
            q |= models.Q(state__in=COMMITTEE_STATES)
        if _reads_own_department(user):
            q |= models.Q(department_id=user.department_id)
            # EXISTS, not a join: a join would repeat a case once per participating
            # department and need a DISTINCT over every column to undo it.
            takes_part = models.Exists(
                self.model.participating_departments.through.objects.filter(
                    investmentcase_id=models.OuterRef("pk"), department_id=user.department_id
                )
            )
            # Participation first: it rules out most other departments' cases
            # before the submit transitions are read.
            q |= models.Q(takes_part, sent_on)
        # Without joins each case comes once: no DISTINCT, so that the list can
        # stop at its first page and a count does not sort the whole table.
        return self.filter(q)

    def visible_in_department(self, user, department):
        """``visible_to(user).filter(department=department)``: the department's cases
        this user may read.

        Department staff and IT leads read every case of their own department, so
        there it is the department's cases alone, without ``visible_to``'s subqueries
        of submissions and participation (the list "My cases" opens on).
        """
        cases = self.filter(department=department)
        if user.is_active and department.pk == user.department_id and _reads_own_department(user):
            return cases
        return cases.visible_to(user)


def _reads_own_department(user) -> bool:
    """Department staff and IT leads read all their department's cases, drafts too."""
    return bool(user.department_id) and user.has_role(
        Role.DEPARTMENT_STAFF, Role.DEPARTMENT_IT_LEAD
    )


class InvestmentCase(models.Model):
    """One investment need of a department or of several departments together."""

    # The workflow (which state may follow which, by whom, when) is the table
    # in governance.workflow.table; only its transition path changes the state.
    # States in which the department may still edit the case.
    EDITABLE_STATES = (CaseState.DRAFT, CaseState.RETURNED)

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    background = models.TextField(_("background and problem"), blank=True)
    solution = models.TextField(_("solution"), blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("owning department"),
    )
    participating_departments = models.ManyToManyField(
        Department,
        blank=True,
        related_name="participating_cases",
        verbose_name=_("participating departments"),
    )
    scope = models.CharField(
        _("scope"), max_length=20, choices=CaseScope.choices, default=CaseScope.DEPARTMENT
    )
    case_type = models.CharField(
        _("type"), max_length=20, choices=CaseType.choices, default=CaseType.DIGITAL_SOLUTION
    )
    themes = models.ManyToManyField(
        "strategy.Theme", blank=True, related_name="cases", verbose_name=_("themes")
    )
    potentials = models.ManyToManyField(
        "strategy.Potential", blank=True, related_name="cases", verbose_name=_("potentials")
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, blank=True
    )
    risk_text = models.TextField(_("risks"), blank=True)
    dependencies = models.TextField(_("dependencies"), blank=True)
    depends_on_it_service_centres = models.BooleanField(
        _("depends on the municipal IT service centres (ØA26)"), default=False
    )
    green_requirements = models.BooleanField(_("green requirements"), default=False)
    green_text = models.TextField(_("green requirements, how"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=CaseState.choices, default=CaseState.DRAFT,
        db_index=True,
    )
    cycle = models.ForeignKey(
        "governance.BudgetCycle",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("budget cycle"),
    )
    # Set when the case moved on from an earlier cycle's intake; the case keeps
    # its row, history and economy, and its timeline has the transition.
    carried_over_from = models.ForeignKey(
        "governance.BudgetCycle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="carried_over_cases",
        verbose_name=_("carried over from"),
    )
    price_year = models.PositiveSmallIntegerField(_("price level (p/l)"))
    # The budget-note code ("BI12"): the department's prefix and a number, given
    # when the secretariat qualifies the case; unique within the cycle.
    note_code = models.CharField(_("budget note code"), max_length=12, blank=True, editable=False)
    # Optimistic locking: every save through the services increments it.
    version = models.PositiveIntegerField(_("version"), default=1)
    # The one-time token of the new-case form that created the case: the same
    # form posted twice (a double click, a resent request) creates one case.
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        "portfolio.User",
        on_delete=models.PROTECT,
        related_name="created_cases",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = InvestmentCaseQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=[participating_departments, themes, potentials],
        excluded_fields=["updated_at", "form_token"],
    )

    class Meta:
        verbose_name = _("investment case")
        verbose_name_plural = _("investment cases")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["cycle", "department", "state"]),
            # The case list's default order (newest first), its reverse and its sort
            # by title either way: a page is read from the index instead of sorting
            # every case. (Department, state and investment sort on joined or
            # computed values, which an index on the case does not hold.)
            models.Index(fields=["-updated_at", "-id"], name="investmentcase_updated"),
            models.Index(fields=["title", "id"], name="investmentcase_title"),
            # What the money's sums and the board's scores join a case for (its cycle
            # and state), readable without the wide table (an index-only scan, on
            # PostgreSQL; SQLite keeps a plain index on id).
            models.Index(fields=["id"], include=["cycle", "state"], name="investmentcase_money"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "note_code"],
                condition=~models.Q(note_code=""),
                name="investmentcase_unique_note_code",
                violation_error_message=_("Another case of the cycle has this budget note code."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portfolio:case-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES

    def submission_problems(self) -> dict[str, list[str]]:
        """What is missing before the case can be submitted, by field name.

        The one completeness rule: the case form shows these next to the fields
        and the submit transition refuses a case that has any.
        """
        problems: dict[str, list[str]] = {}

        def need(field, message):
            problems.setdefault(field, []).append(str(message))

        for field, message in (
            ("title", _("Give the case a title.")),
            ("summary", _("Write a short summary.")),
            ("background", _("Describe the background and the problem.")),
            ("solution", _("Describe the solution.")),
            ("contact_name", _("Name a contact person.")),
            ("contact_email", _("Give the contact person's e-mail.")),
            ("risk_level", _("Choose a risk level.")),
            ("risk_text", _("Describe the main risks.")),
        ):
            if not str(getattr(self, field) or "").strip():
                need(field, message)
        if self.green_requirements and not self.green_text.strip():
            need("green_text", _("Describe the green requirements."))
        if self.pk is None:
            need("themes", _("Choose at least one theme."))
            need("principles", _("Explain how the case meets at least one principle."))
            need("potentials", _("Choose at least one potential."))
            need("economy", _("Fill in the economy."))
            return problems
        if (
            self.scope == CaseScope.CROSS_CUTTING
            and not self.participating_departments.exclude(pk=self.department_id).exists()
        ):
            need(
                "participating_departments",
                _("A cross-cutting case names the other departments taking part."),
            )
        if not self.themes.exists():
            need("themes", _("Choose at least one theme."))
        if not self.principle_links.exclude(justification="").exists():
            need("principles", _("Explain how the case meets at least one principle."))
        if not self.potentials.exists():
            need("potentials", _("Choose at least one potential."))
        if not self.economy_lines.exclude(amount=0).exists():
            need("economy", _("Fill in the economy."))
        return problems


class CasePrinciple(models.Model):
    """How a case meets one of the three principles, in the department's words."""

    case = models.ForeignKey(
        InvestmentCase,
        on_delete=models.CASCADE,
        related_name="principle_links",
        verbose_name=_("case"),
    )
    principle = models.ForeignKey(
        "strategy.Principle",
        on_delete=models.PROTECT,
        related_name="case_links",
        verbose_name=_("principle"),
    )
    justification = models.TextField(_("justification"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case principle")
        verbose_name_plural = _("case principles")
        ordering = ["principle__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "principle"],
                name="caseprinciple_unique",
                violation_error_message=_("The case already refers to this principle."),
            )
        ]

    def __str__(self):
        return f"{self.case} – {self.principle}"


class EconomyKind(models.TextChoices):
    INVESTMENT = "investment", _("Investment")
    OPERATING = "operating", _("Operating cost")
    RETENDER = "retender", _("One-off re-tendering cost")
    GAIN = "gain", _("Gains")


class Styringsomraade(models.TextChoices):
    """KK budgets and grants operating (service) and capital (anlæg) money apart."""

    SERVICE = "service", _("Service (operating)")
    ANLAEG = "anlaeg", _("Capital (anlæg)")


# The kinds of economy line that may be capital (anlæg); the others are service.
ANLAEG_KINDS = ("investment", "retender")
# The ceiling of one economy line, in whole kroner either way (10 mia. kr.): the
# whole municipality's yearly budget is about 60 mia. kr., so a line above it is
# a typing error (a few zeros too many), not an investment.
ECONOMY_LINE_CEILING = 10_000_000_000


class CaseEconomyLine(models.Model):
    """One amount of a case's economy: a kind in a year, or the permanent effect.

    Amounts are whole kroner in the case's price level. Gains are savings and
    stored as negative amounts; costs are positive. ``year`` is empty for the
    permanent (varig) effect.
    """

    case = models.ForeignKey(
        InvestmentCase,
        on_delete=models.CASCADE,
        related_name="economy_lines",
        verbose_name=_("case"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EconomyKind.choices)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    styringsomraade = models.CharField(
        _("styringsområde"),
        max_length=10,
        choices=Styringsomraade.choices,
        default=Styringsomraade.SERVICE,
    )
    amount = models.BigIntegerField(_("amount (kr.)"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("economy line")
        verbose_name_plural = _("economy lines")
        # "case_id", not "case": "case" means the case's own order, a join to every case.
        ordering = ["case_id", "kind", models.F("year").asc(nulls_last=True)]
        indexes = [
            # The lines of many cases read for sums (the plan, the portfolio at a glance):
            # one index-only scan per case on PostgreSQL instead of a descent per kind and
            # year and a heap fetch per line.
            models.Index(
                fields=["case", "year"],
                include=["kind", "styringsomraade", "amount"],
                name="economyline_case_year",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "year", "styringsomraade"],
                condition=models.Q(year__isnull=False),
                name="economyline_unique_year",
                violation_error_message=_("The case already has an amount of this kind this year."),
            ),
            models.UniqueConstraint(
                fields=["case", "kind", "styringsomraade"],
                condition=models.Q(year__isnull=True),
                name="economyline_unique_permanent",
                violation_error_message=_("The case already has a permanent amount of this kind."),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind=EconomyKind.GAIN, amount__lte=0)
                    | (~models.Q(kind=EconomyKind.GAIN) & models.Q(amount__gte=0))
                ),
                name="economyline_sign_by_kind",
                violation_error_message=_("Gains are negative amounts; costs are positive."),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(styringsomraade=Styringsomraade.SERVICE)
                    | models.Q(kind__in=ANLAEG_KINDS)
                ),
                name="economyline_anlaeg_only_investment",
                violation_error_message=_(
                    "Only investment and one-off re-tendering can be capital (anlæg)."
                ),
            ),
        ]

    def __str__(self):
        year = self.year or _("permanent")
        return f"{self.case}: {self.get_kind_display()} {year}: {self.amount}"

    def clean(self):
        if self.amount is not None and abs(self.amount) > ECONOMY_LINE_CEILING:
            raise ValidationError({"amount": ceiling_message()})


def ceiling_message() -> str:
    """The refusal of an amount above the ceiling of a line, with the ceiling in it."""
    return _(
        "No line of a case can be above %(ceiling)s kr. (10 mia. kr.): check the number "
        "of digits."
    ) % {"ceiling": "10.000.000.000"}

# The IT system and contract register lives in its own module (see portfolio/register/).
from portfolio.register.models import (  # noqa: E402, F401, I001
    CaseSystem, Contract, ContractCase, ImportJob, ITSystem, OrgUnitMapping, RegisterSettings,
)
