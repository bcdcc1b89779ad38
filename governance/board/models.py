"""The IT directors' board: criteria, sealed scores, the ranking and its publication."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Seed 000 (ØU 12 Aug 2025): what the circle weighs a case against. The
# secretariat may change names and weights per cycle; these are the defaults.
DEFAULT_CRITERIA = (
    (
        "Strategisk sammenhæng med temaerne",
        "Hvor godt understøtter sagen digitaliseringsstrategiens temaer og deres mål?",
    ),
    (
        "Værdi ved at investere “fælles først”",
        "Skaber det værdi at udvikle og investere sammen frem for hver for sig?",
    ),
    (
        "Færrest mulige it-systemer og flere fælles platforme",
        "Samler sagen systemer og bygger den på fælles platforme?",
    ),
    ("Tæt på kerneopgaven og driften", "Understøtter sagen kerneopgaven tæt på driften?"),
    (
        "Planens fire potentialer",
        "Tilgængelighed, aflastning af driften, forenkling af administrationen, "
        "skalering af teknologi.",
    ),
    ("Modenhed og risiko", "Er sagen moden til at gå i gang, og er risikoen håndteret?"),
)


class Criterion(models.Model):
    """One thing the IT directors' circle scores a case on, with its weight in the cycle."""

    cycle = models.ForeignKey(
        "governance.BudgetCycle",
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("cycle"),
    )
    name = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["cycle", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "name"],
                name="criterion_unique_name",
                violation_error_message=_("The cycle already has a criterion with this name."),
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=10),
                name="criterion_weight_range",
                violation_error_message=_("The weight is from 1 to 10."),
            ),
        ]

    def __str__(self):
        return self.name


class Score(models.Model):
    """One director's score of one case on one criterion, 1–5, with an optional comment.

    Sealed: a director reads the others' scores of a case only once they have
    scored it themselves (``governance.board.selectors.sees_scores``).
    """

    case = models.ForeignKey(
        "portfolio.InvestmentCase",
        on_delete=models.CASCADE,
        related_name="board_scores",
        verbose_name=_("case"),
    )
    director = models.ForeignKey(
        "portfolio.User",
        on_delete=models.PROTECT,
        related_name="board_scores",
        verbose_name=_("director"),
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("criterion")
    )
    value = models.PositiveSmallIntegerField(
        _("score (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    scored_at = models.DateTimeField(_("scored"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        # "case_id", not "case": "case" means the case's own order, a join to every case.
        ordering = ["case_id", "director", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "director", "criterion"],
                name="score_unique_per_director",
                violation_error_message=_("The director has already scored this criterion."),
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=1, value__lte=5),
                name="score_value_range",
                violation_error_message=_("The score is from 1 to 5."),
            ),
        ]

    def __str__(self):
        return f"{self.case} – {self.director} – {self.criterion}: {self.value}"


class Board(models.Model):
    """The board of one cycle; ``version`` grows with every move so that two people
    reordering at once notice each other."""

    cycle = models.OneToOneField(
        "governance.BudgetCycle",
        on_delete=models.CASCADE,
        related_name="board",
        verbose_name=_("cycle"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")

    def __str__(self):
        return _("Board for %(cycle)s") % {"cycle": self.cycle}


class BoardRecommendation(models.TextChoices):
    RECOMMENDED = "recommended", _("Recommended")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended")


class BoardEntry(models.Model):
    """A qualified case's place on its cycle's board: rank, and the directors'
    explicit recommendation (which may go against the rank), with its reason."""

    cycle = models.ForeignKey(
        "governance.BudgetCycle",
        on_delete=models.CASCADE,
        related_name="board_entries",
        verbose_name=_("cycle"),
    )
    case = models.OneToOneField(
        "portfolio.InvestmentCase",
        on_delete=models.CASCADE,
        related_name="board_entry",
        verbose_name=_("case"),
    )
    rank = models.PositiveIntegerField(_("rank"), validators=[MinValueValidator(1)])
    recommendation = models.CharField(
        _("recommendation"), max_length=20, choices=BoardRecommendation.choices, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    published_in = models.ForeignKey(
        "governance.BoardPublication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("published in"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("board entry")
        verbose_name_plural = _("board entries")
        ordering = ["cycle", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "rank"],
                name="boardentry_unique_rank",
                violation_error_message=_("Another case of the cycle has this rank."),
            ),
            models.CheckConstraint(
                condition=models.Q(rank__gte=1),
                name="boardentry_rank_positive",
                violation_error_message=_("The rank starts at 1."),
            ),
        ]

    def __str__(self):
        return f"{self.rank}. {self.case}"


class BoardMove(models.Model):
    """One move on the board: who moved which case from where to where."""

    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, related_name="moves", verbose_name=_("board")
    )
    case = models.ForeignKey(
        "portfolio.InvestmentCase",
        on_delete=models.CASCADE,
        related_name="board_moves",
        verbose_name=_("case"),
    )
    from_rank = models.PositiveIntegerField(_("from rank"))
    to_rank = models.PositiveIntegerField(_("to rank"))
    actor = models.ForeignKey(
        "portfolio.User",
        on_delete=models.PROTECT,
        related_name="board_moves",
        verbose_name=_("by"),
    )
    version = models.PositiveIntegerField(_("board version"))
    moved_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("board move")
        verbose_name_plural = _("board moves")
        ordering = ["-moved_at", "-pk"]

    def __str__(self):
        return f"{self.case}: {self.from_rank} → {self.to_rank}"


class BoardPublication(models.Model):
    """A publication of the board by the secretariat: the first round, or a
    supplementary round for cases qualified after it."""

    cycle = models.ForeignKey(
        "governance.BudgetCycle",
        on_delete=models.PROTECT,
        related_name="board_publications",
        verbose_name=_("cycle"),
    )
    number = models.PositiveSmallIntegerField(_("round"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        "portfolio.User",
        on_delete=models.PROTECT,
        related_name="board_publications",
        verbose_name=_("published by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("board publication")
        verbose_name_plural = _("board publications")
        ordering = ["cycle", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "number"],
                name="boardpublication_unique_number",
                violation_error_message=_("The cycle already has this round."),
            )
        ]

    def __str__(self):
        return _("Round %(number)s of %(cycle)s") % {"number": self.number, "cycle": self.cycle}

    @property
    def is_supplementary(self) -> bool:
        return self.number > 1
