"""The IT system and contract register, imported from KITOS (OS2kitos).

KITOS is where the municipality keeps its IT systems and contracts; it has no
investment module. These rows are KITOS's data as the last import left them,
plus what KK Digital adds: the owner department (through the secretariat's
mapping of KITOS organisation units), the re-tendering decision date and the
cases that introduce, replace or retire a system.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portfolio.models import CaseState, Department, Role

from .rules import DEFAULT_TENDER_LEAD_MONTHS, decision_date, end_date


class BusinessCritical(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class Lifecycle(models.TextChoices):
    """KITOS's life cycle of a system in the organisation ("Livscyklus")."""

    NOT_IN_OPERATION = "not_in_operation", _("Not in operation")
    TESTING = "testing", _("Being tested")
    PHASING_IN = "phasing_in", _("Being phased in")
    IN_OPERATION = "in_operation", _("In operation")
    PHASING_OUT = "phasing_out", _("Being phased out")


class RegisterQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Everyone who may read cases reads the register: every role of the process.

        The register holds no confidential figures beyond what KITOS shows the
        whole organisation; the department's own entries come first on the pages.
        """
        if not user.is_authenticated or not user.is_active or not user.has_role(*Role.values):
            return self.none()
        return self.all()

    def own_first(self, user):
        """Order the user's own department's entries first, then by name."""
        department_id = getattr(user, "department_id", None)
        own = models.Case(
            models.When(owner_department_id=department_id, then=models.Value(0)),
            default=models.Value(1),
            output_field=models.IntegerField(),
        )
        return self.annotate(own_order=own)


class OrgUnitMapping(models.Model):
    """Which department a KITOS organisation unit belongs to; the secretariat keeps it.

    KITOS names units by the municipality's organisation tree ("Ansv.
    organisationsenhed"); an import only accepts rows whose unit is mapped
    here, and reports the others instead of guessing.
    """

    kitos_unit = models.CharField(_("KITOS organisation unit"), max_length=300, unique=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="kitos_units",
        verbose_name=_("department"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("KITOS organisation unit")
        verbose_name_plural = _("KITOS organisation units")
        ordering = ["kitos_unit"]

    def __str__(self):
        return f"{self.kitos_unit} → {self.department.code}"

    def save(self, *args, **kwargs):
        # Units are matched without regard to case and surrounding spaces.
        self.kitos_unit = normalise_unit(self.kitos_unit)
        super().save(*args, **kwargs)


def normalise_unit(name) -> str:
    return " ".join(str(name or "").split()).casefold()


class RegisterSettings(models.Model):
    """The secretariat's settings of the re-tendering radar (one row)."""

    tender_lead_months = models.PositiveSmallIntegerField(
        _("tender lead time (months)"),
        default=DEFAULT_TENDER_LEAD_MONTHS,
        help_text=_(
            "How long before a contract's notice must be given the re-tendering "
            "decision has to be made."
        ),
    )
    radar_months = models.PositiveSmallIntegerField(
        _("radar window (months)"),
        default=24,
        help_text=_("The radar shows contracts whose decision date falls within this many months."),
    )
    auto_case_months = models.PositiveSmallIntegerField(
        _("automatic draft cases (months)"),
        default=12,
        help_text=_(
            "Every night a draft re-tendering case is created for each contract whose "
            "decision date falls within this many months and that has never had one; "
            "0 turns it off."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("register settings")
        verbose_name_plural = _("register settings")

    def __str__(self):
        return str(_("Register settings"))

    @classmethod
    def load(cls) -> "RegisterSettings":
        row = cls.objects.order_by("pk").first()
        return row if row is not None else cls()


class ITSystem(models.Model):
    """An IT system in use in the municipality, as its KITOS system usage describes it."""

    name = models.CharField(_("name"), max_length=300)
    kitos_uuid = models.UUIDField(_("KITOS UUID"), unique=True, null=True, blank=True)
    owner_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="it_systems",
        verbose_name=_("owner department"),
    )
    kitos_unit = models.CharField(_("KITOS organisation unit"), max_length=300, blank=True)
    business_critical = models.CharField(
        _("business-critical"),
        max_length=10,
        choices=BusinessCritical.choices,
        default=BusinessCritical.UNKNOWN,
    )
    lifecycle = models.CharField(
        _("life cycle"), max_length=20, choices=Lifecycle.choices, blank=True
    )
    supplier = models.CharField(_("supplier"), max_length=300, blank=True)
    # KITOS gives the number of users as a band ("<10", "10-50", "50-100", ">100").
    user_count = models.CharField(_("number of users"), max_length=20, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    # Set when the latest import of KITOS's export no longer held the system:
    # it is flagged for the secretariat to look at, never removed silently.
    missing_since = models.DateTimeField(_("missing from the latest import since"), null=True,
                                         blank=True)
    imported_at = models.DateTimeField(_("last imported"), null=True, blank=True)

    objects = RegisterQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("IT system")
        verbose_name_plural = _("IT systems")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["owner_department", "name"], name="itsystem_dept_name"),
            models.Index(fields=["name"], name="itsystem_name"),
            models.Index(fields=["lifecycle", "business_critical"], name="itsystem_life_crit"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("register:system-detail", args=[self.pk])


class Contract(models.Model):
    """An IT contract, as KITOS's contract overview describes it, with its decision date."""

    name = models.CharField(_("name"), max_length=300)
    contract_id = models.CharField(_("contract ID"), max_length=100, blank=True)
    kitos_uuid = models.UUIDField(_("KITOS UUID"), unique=True, null=True, blank=True)
    owner_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("owner department"),
    )
    kitos_unit = models.CharField(_("KITOS organisation unit"), max_length=300, blank=True)
    supplier = models.CharField(_("supplier"), max_length=300, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    irrevocable_until = models.DateField(_("irrevocable until"), null=True, blank=True)
    notice_months = models.PositiveSmallIntegerField(
        _("notice period (months)"), null=True, blank=True
    )
    extension_options = models.CharField(_("extension options"), max_length=300, blank=True)
    procurement_strategy = models.CharField(_("procurement strategy"), max_length=200,
                                            blank=True)
    procurement_plan_quarter = models.PositiveSmallIntegerField(
        _("procurement plan quarter"), null=True, blank=True
    )
    procurement_plan_year = models.PositiveSmallIntegerField(
        _("procurement plan year"), null=True, blank=True
    )
    procurement_initiated = models.BooleanField(_("procurement initiated"), null=True,
                                                blank=True)
    yearly_operating_cost = models.BigIntegerField(_("operating cost per year (kr.)"),
                                                   null=True, blank=True)
    acquisition_cost = models.BigIntegerField(_("acquisition cost (kr.)"), null=True,
                                              blank=True)
    systems = models.ManyToManyField(
        ITSystem, blank=True, related_name="contracts", verbose_name=_("IT systems")
    )
    # KITOS's "IT Systemer (UUID)" as imported, sorted: the history of which
    # systems the contract covers (the link rows are written in bulk).
    system_uuids = models.TextField(_("IT systems (KITOS UUIDs)"), blank=True, editable=False)
    # Derived from the dates, the notice and the secretariat's lead time (see
    # rules.decision_date); stored so that the radar filters and sorts in SQL.
    decision_date = models.DateField(_("re-tendering decision date"), null=True, blank=True,
                                     editable=False)
    missing_since = models.DateTimeField(_("missing from the latest import since"), null=True,
                                         blank=True)
    imported_at = models.DateTimeField(_("last imported"), null=True, blank=True)

    objects = RegisterQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["decision_date"])

    class Meta:
        verbose_name = _("IT contract")
        verbose_name_plural = _("IT contracts")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["owner_department", "name"], name="contract_dept_name"),
            models.Index(fields=["name"], name="contract_name"),
            models.Index(fields=["decision_date"], name="contract_decision"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(procurement_plan_quarter__isnull=True)
                | models.Q(procurement_plan_quarter__gte=1, procurement_plan_quarter__lte=4),
                name="contract_plan_quarter_1_4",
                violation_error_message=_("The quarter is 1, 2, 3 or 4."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("register:contract-detail", args=[self.pk])

    @property
    def end_date(self):
        return end_date(self.valid_to, self.irrevocable_until)

    def compute_decision_date(self, lead_months: int):
        return decision_date(
            valid_to=self.valid_to,
            irrevocable_until=self.irrevocable_until,
            notice_months=self.notice_months,
            lead_months=lead_months,
        )


class SystemRole(models.TextChoices):
    INTRODUCES = "introduces", _("Introduces")
    REPLACES = "replaces", _("Replaces")
    RETIRES = "retires", _("Retires")


class CaseSystem(models.Model):
    """A system that a case introduces, replaces or retires.

    ``applied_at`` is set when the completed case changed the system's life
    cycle (a retired system is then no longer in operation).
    """

    case = models.ForeignKey(
        "portfolio.InvestmentCase",
        on_delete=models.CASCADE,
        related_name="system_links",
        verbose_name=_("case"),
    )
    system = models.ForeignKey(
        ITSystem, on_delete=models.PROTECT, related_name="case_links", verbose_name=_("IT system")
    )
    role = models.CharField(_("role"), max_length=12, choices=SystemRole.choices)
    applied_at = models.DateTimeField(_("life cycle changed"), null=True, blank=True,
                                      editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("system of a case")
        verbose_name_plural = _("systems of cases")
        # "case_id", not "case": "case" means the case's own order, a join to every case.
        ordering = ["case_id", "role", "system__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "system"],
                name="casesystem_unique",
                violation_error_message=_("The case already names this system."),
            )
        ]
        indexes = [models.Index(fields=["system", "role"], name="casesystem_system_role")]

    def __str__(self):
        return f"{self.case} – {self.get_role_display()} – {self.system}"


# A re-tendering case is open while it is still in the process; a contract
# gets a new one only when its earlier case has ended (rejected, withdrawn, completed).
OPEN_CASE_STATES = tuple(
    s for s in CaseState if s not in (CaseState.REJECTED, CaseState.WITHDRAWN, CaseState.COMPLETED)
)


class ContractCase(models.Model):
    """The re-tendering case made for a contract from the radar."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="case_links", verbose_name=_("contract")
    )
    case = models.OneToOneField(
        "portfolio.InvestmentCase",
        on_delete=models.CASCADE,
        related_name="retender_link",
        verbose_name=_("case"),
    )
    by_radar = models.BooleanField(_("created automatically by the radar"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("re-tendering case of a contract")
        verbose_name_plural = _("re-tendering cases of contracts")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.contract} → {self.case}"


class ImportKind(models.TextChoices):
    SYSTEMS = "systems", _("IT systems (system usage overview)")
    CONTRACTS = "contracts", _("IT contracts (contract overview)")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be checked")
    CHECKING = "checking", _("Being checked")
    CHECKED = "checked", _("Checked: ready to import")
    IMPORT_QUEUED = "import_queued", _("Waiting to be imported")
    IMPORTING = "importing", _("Being imported")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One KITOS file through its dry run and its import, run in the background.

    The row is saved first, the task is queued when the transaction commits,
    loads the row by id and does nothing if the row has moved on (idempotent);
    it writes its progress to the row, which the page polls.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=15, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    file_name = models.CharField(_("file name"), max_length=255)
    # Kept in the database so that any worker can read it (no shared disk).
    content = models.BinaryField(_("file"), editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    # The dry run's findings and, after the import, what it changed.
    report = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("KITOS import")
        verbose_name_plural = _("KITOS imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.file_name}"

    def get_absolute_url(self):
        return reverse("register:import-detail", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in (
            ImportStatus.QUEUED,
            ImportStatus.CHECKING,
            ImportStatus.IMPORT_QUEUED,
            ImportStatus.IMPORTING,
        )

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))
