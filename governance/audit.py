"""The audit log of a cycle: every transition and every recorded change, in plain words.

Reads the transition rows and the simple-history records of the case, its
economy lines, its principle justifications and its many-to-many links, and
turns them into entries (time, user, department, case, what changed); also the
IT directors' assessments of the cases and the dates of the cycle's phases. A
change is read from the history by ``portfolio.history``, as the case timeline
reads it: one edit is told alike in both.

The cost of a page does not grow with the cycle's history: each source is
filtered (cases in scope, user, date range), told apart from saves that changed
nothing shown (compared with the record before it, in SQL) and ordered newest
first by the database; a page reads at most ``stop`` rows of each source,
merges them on time, slices, and tells only the rows on the page. The total is one
COUNT per source. The export reads every version of the cases in scope once, with
the version before it from a window, applies the same rules in Python and streams
the sources merged (``AuditLog._sources``).
"""

import datetime
import functools
import heapq
import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import (
    Case,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Lag
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.translation import gettext as _

from financing.models import FinancingChannel
from governance.models import Assessment, BudgetCycle, CaseTransition, Phase, PhaseKind
from portfolio.changes import (
    describe_amount,
    linked_name,
    shown_case_fields,
    state_change,
    transition_comment,
)
from portfolio.history import (
    ECONOMY_KEY_FIELDS,
    ChangeEntry,
    economy_change,
    field_changes,
    link_changes,
    principle_change,
    replacement_filters,
)
from portfolio.models import (
    CaseEconomyLine,
    CasePrinciple,
    Department,
    InvestmentCase,
    User,
)
from strategy.models import Potential, Principle, Theme

ENTRY_TRANSITION = "transition"
ENTRY_CREATED = "created"
ENTRY_CHANGED = "changed"
ENTRY_DELETED = "deleted"
ENTRY_ASSESSMENT = "assessment"
ENTRY_PHASE = "phase"

# The fields of an assessment and a phase whose changes are logged.
ASSESSMENT_FIELDS = ("score", "rank", "recommendation", "reason")
PHASE_FIELDS = ("starts_on", "ends_on")


@dataclass(frozen=True)
class CaseRowSource:
    """A model with a ``case`` whose versions the audit log tells: which fields, and
    what a version is called ("Score given: Strategic fit")."""

    model: type
    fields: tuple[str, ...]
    what: object  # (historical record, lookups) -> str
    amounts: tuple[str, ...] = ()  # fields in whole kroner, shown as "1.500.000 kr."

    def value(self, model_field, record):
        stored = getattr(record, model_field.attname)
        if model_field.name in self.amounts and stored is not None:
            return describe_amount(stored)
        return stored


def case_row_sources() -> list[CaseRowSource]:
    """The directors' board (scores, places and marks) and the money of each case."""
    from financing.models import Allocation
    from governance.board.models import BoardEntry, Criterion, Score

    # Told once per kind of version, not once per row: the export has tens of thousands.
    def score(record, lookups):
        key = (Score, record.history_type, record.criterion_id)
        if key not in lookups:
            criterion = lookups[Criterion].get(record.criterion_id)
            verb = {"+": _("Director's score given"), "-": _("Director's score deleted")}.get(
                record.history_type, _("Director's score changed")
            )
            lookups[key] = f"{verb}: {criterion.name}" if criterion else str(verb)
        return lookups[key]

    def entry(record, lookups):
        key = (BoardEntry, record.history_type)
        if key not in lookups:
            lookups[key] = str(
                {
                    "+": _("Placed on the directors' board"),
                    "-": _("Taken off the directors' board"),
                }.get(record.history_type, _("Place or mark on the directors' board changed"))
            )
        return lookups[key]

    def allocation(record, lookups):
        key = (Allocation, record.history_type, record.channel_id, record.year)
        if key not in lookups:
            channel = lookups.get("channels", {}).get(record.channel_id)
            verb = {"+": _("Money requested"), "-": _("Money line deleted")}.get(
                record.history_type, _("Money changed")
            )
            lookups[key] = f"{verb}: {channel or ''} {record.year}".strip()
        return lookups[key]

    return [
        CaseRowSource(Score, ("value", "comment"), score),
        CaseRowSource(BoardEntry, ("rank", "recommendation", "reason"), entry),
        CaseRowSource(
            Allocation,
            ("requested", "recommended", "granted", "override_reason"),
            allocation,
            amounts=("requested", "recommended", "granted"),
        ),
    ]


# Rows read at a time by the export.
CHUNK_SIZE = 500


@dataclass
class AuditEntry:
    when: datetime.datetime
    user: User | None
    department: Department | None
    case_id: int | None  # None: an entry of the cycle (a phase), not of a case
    case_title: str
    kind: str
    what: str
    changes: list[ChangeEntry] = field(default_factory=list)
    comment: str = ""
    # Breaks ties between entries of the same moment: transitions after changes.
    order: tuple = ()

    @property
    def changes_text(self) -> str:
        """Every change on one line, long texts in full (the export)."""
        return "; ".join(change.full_text for change in self.changes)


def _sort_key(entry: AuditEntry):
    return (entry.when, entry.order)


def _day_start(day: datetime.date) -> datetime.datetime:
    """The first moment of a local day, to compare with in SQL."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _latest_first():
    """Versions of one row, latest first, in a form an index on ``history_date`` cannot serve.

    Otherwise PostgreSQL answers "the version before, of this row" by walking the whole
    ``history_date`` index backwards until it meets the row (once per version: quadratic).
    With the plain ``id`` index it reads the row's few versions and sorts them.
    """
    return [Coalesce("history_date", "history_date").desc(), F("history_id").desc()]


# The version before a history record, and whether it differs, are written in SQL once
# per model (the text depends only on the tables): built with the ORM's expressions they
# cost more to assemble and compile on every page than the database takes to answer them.
# Each refers to the record by its table's name, the alias Django gives a query's own table.


@functools.cache
def _previous_sql(historical) -> str:
    """The history id of the record before this one of the same row (NULL for the first).

    Ordered by ``COALESCE(history_date, history_date)``: see ``_latest_first``.
    """
    qn = connection.ops.quote_name
    table = qn(historical._meta.db_table)
    row, date, hid = qn("id"), qn("history_date"), qn("history_id")
    return (
        f"(SELECT earlier.{hid} FROM {table} earlier WHERE earlier.{row} = {table}.{row}"
        f" AND (earlier.{date} < {table}.{date}"
        f" OR (earlier.{date} = {table}.{date} AND earlier.{hid} < {table}.{hid}))"
        f" ORDER BY COALESCE(earlier.{date}, earlier.{date}) DESC, earlier.{hid} DESC LIMIT 1)"
    )


def _previous(historical) -> RawSQL:
    return RawSQL(_previous_sql(historical), (), output_field=models.IntegerField())


def _previous_value(historical, model_field) -> RawSQL:
    """A field's value in the record before this one (NULL for the first)."""
    qn = connection.ops.quote_name
    table = qn(historical._meta.db_table)
    return RawSQL(
        f"(SELECT before.{qn(model_field.column)} FROM {table} before"
        f" WHERE before.{qn('history_id')} = {_previous_sql(historical)})",
        (),
        output_field=model_field,
    )


@functools.cache
def _changed_sql(historical, columns: tuple[tuple[str, bool], ...], links=()) -> str:
    """True for a creation, a deletion, or a version that differs from the one before it in
    one of ``columns`` (name, nullable) or in one of the ``links`` (many-to-many history
    table, target column): a save that changed nothing shown is not news."""
    qn = connection.ops.quote_name
    table = qn(historical._meta.db_table)
    hid = qn("history_id")
    same = [f"same.{hid} = {_previous_sql(historical)}"]
    for column, nullable in columns:
        column = qn(column)
        equal = f"same.{column} = {table}.{column}"
        if nullable:
            equal = f"({equal} OR (same.{column} IS NULL AND {table}.{column} IS NULL))"
        same.append(equal)
    for through, target in links:
        through, target = qn(through), qn(target)
        # Linked in one version and not in the other, both ways round.
        for one, other in ((f"{table}.{hid}", f"same.{hid}"), (f"same.{hid}", f"{table}.{hid}")):
            same.append(
                f"NOT EXISTS (SELECT 1 FROM {through} link WHERE link.{hid} = {one}"
                f" AND NOT (link.{target} IN (SELECT other.{target} FROM {through} other"
                f" WHERE other.{hid} = {other}) AND link.{target} IS NOT NULL))"
            )
    return (
        f"({table}.{qn('history_type')} IN (%s, %s) OR ({_previous_sql(historical)} IS NOT NULL"
        f" AND NOT EXISTS (SELECT 1 FROM {table} same WHERE {' AND '.join(same)})))"
    )


def _changed(historical, model_fields, links=()) -> RawSQL:
    columns = tuple((f.column, f.null) for f in model_fields)
    return RawSQL(
        _changed_sql(historical, columns, tuple(links)),
        ("+", "-"),
        output_field=models.BooleanField(),
    )


def _m2m_tables():
    """For each many-to-many field of the case: its history table and the target column."""
    HistoricalCase = _historical(InvestmentCase)
    tables = []
    for m2m_field in InvestmentCase._meta.many_to_many:
        through = apps.get_model(
            HistoricalCase._meta.app_label, f"{HistoricalCase.__name__}_{m2m_field.name}"
        )
        target = next(
            f.attname
            for f in through._meta.fields
            if isinstance(f, models.ForeignKey) and f.related_model is m2m_field.related_model
        )
        tables.append((m2m_field, through, target))
    return tables


class AuditLog:
    """The entries of a cycle's audit log, filtered, newest first; sliced and counted in SQL.

    Behaves as the sequence a ``Paginator`` pages: ``count()``, slices, iteration.
    """

    def __init__(
        self, cycle, *, department=None, user=None, case=None, date_from=None, date_to=None
    ):
        HistoricalCase = _historical(InvestmentCase)
        case_records = HistoricalCase.objects.filter(cycle_id=cycle.pk)
        if department is not None:
            case_records = case_records.filter(department_id=department.pk)
        if case is not None:
            case_records = case_records.filter(id=getattr(case, "pk", case))
        # The cases in scope, including deleted ones, whose history still names the cycle.
        self.case_ids = case_records.values("id")
        self.department_id = department.pk if department is not None else None
        self.case_id = getattr(case, "pk", case)
        self._case_records_in_scope = case_records
        self.cycle = cycle
        # A phase belongs to the cycle, not to a department or a case.
        self.cycle_wide = department is None and case is None
        self.user = user
        self.start = _day_start(date_from) if date_from else None
        self.end = _day_start(date_to + datetime.timedelta(days=1)) if date_to else None
        self._lookups = None
        self._count = None
        self._export_snapshots = None
        self.m2m_tables = _m2m_tables()

    # --- what the paginator and the export use -------------------------------------------

    def count(self) -> int:
        """How many entries the filters match: one query, a COUNT per source."""
        if self._count is None:
            parts, params = [], []
            for qs, _build in self._sources():
                sql, part_params = qs.order_by().values("pk").query.sql_with_params()
                parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS source)")
                params.extend(part_params)
            with connection.cursor() as cursor:
                cursor.execute("SELECT " + " + ".join(parts), params)
                self._count = cursor.fetchone()[0]
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        if stop is None:
            return list(itertools.islice(iter(self), start, None))
        if stop <= start:
            return []
        builders = self._page_builders()
        # The newest ``stop`` rows of each source hold the page; they are merged on time as
        # rows, and only the page's rows become entries (the rest are never told).
        tagged = [
            [(row.audit_key, number, row) for row in rows]
            for number, rows in enumerate(self._page_rows(stop))
        ]
        merged = heapq.merge(*tagged, key=_first, reverse=True)
        chosen = [[] for _builder in builders]
        for _key, number, row in itertools.islice(merged, start, stop):
            chosen[number].append(row)
        # Who made each change: the page's few users in one query, not one joined per row.
        page_rows = [row for rows in chosen for row in rows]
        user_ids = {getattr(row, f"{_who(row)}_id") for row in page_rows}
        users = User.objects.filter(_asked_for("pk", user_ids))
        _name_users(page_rows, {user.pk: user for user in users})
        # One query names the cases of every source. Every source is built, with or without
        # rows on this page, so that the page's queries do not depend on what it shows.
        case_meta = self._page_case_meta({row.audit_case_id for row in page_rows})
        streams = [build(rows, case_meta) for rows, build in zip(chosen, builders, strict=True)]
        return list(heapq.merge(*streams, key=_sort_key, reverse=True))

    def _page_rows(self, stop) -> list[list]:
        """The newest ``stop`` rows of each source that are news, as rows of values.

        Assembling and compiling the sources' querysets cost more than the database takes to
        answer them (about half the page's time in Python), and their SQL depends only on
        which filters are set and on ``stop``: it is compiled once per database connection (a
        thread has its own) for each such shape, from querysets built with stand-in values
        that are then swapped for the real ones (``_PageSQL``).
        """
        compiled = _page_sql(self._shape(), stop)
        params = self._stand_ins()
        rows = []
        with connection.cursor() as cursor:
            for number, source in enumerate(compiled):
                cursor.execute(source.sql, [params.get(p, p) for p in source.params])
                rows.append(source.rows(cursor.fetchall(), number))
        return rows

    def _shape(self) -> tuple:
        return (
            self.department_id is not None,
            self.user is not None,
            self.case_id is not None,
            self.start is not None,
            self.end is not None,
        )

    def _stand_ins(self) -> dict:
        """Each stand-in value of the compiled SQL's parameters and the real value."""
        adapt = connection.ops.adapt_datetimefield_value
        real = {
            _STAND_IN_CYCLE: self.cycle.pk,
            _STAND_IN_DEPARTMENT: self.department_id,
            _STAND_IN_USER: self.user.pk if self.user is not None else None,
            _STAND_IN_CASE: self.case_id,
        }
        if self.start is not None:
            real[adapt(_STAND_IN_START)] = adapt(self.start)
        if self.end is not None:
            real[adapt(_STAND_IN_END)] = adapt(self.end)
        return real

    def _page_builders(self):
        """What turns each source's rows into entries, in the order of ``_sources``."""
        return [
            self._case_entries,
            self._economy_entries,
            self._principle_entries,
            self._assessment_entries,
            *(self._case_row_builder(source) for source in case_row_sources()),
            self._phase_entries,
            self._transition_entries,
        ]

    def __iter__(self):
        """Every entry, newest first, reading each source in chunks (for the export).

        The cases in scope are named once, up front, not once per chunk of every source:
        the same few thousand cases recur in every chunk.
        """
        return self._stream()

    def _stream(self):
        # Inside a transaction PostgreSQL's server-side cursors send their first rows as
        # soon as they have them; outside one Django declares them WITH HOLD, and each
        # source's whole result is computed before the file's first line is sent.
        with transaction.atomic():
            case_meta = self._case_meta(None)
            # Who made each change, read once: a user joined to each of tens of thousands
            # of rows is a model object built per row.
            users = {user.pk: user for user in User.objects.all()}
            streams = [
                self._chunked(qs, build, case_meta, users)
                for qs, build in self._sources(export=True)
            ]
            yield from heapq.merge(*streams, key=_sort_key, reverse=True)

    def _chunked(self, qs, build, case_meta, users):
        rows = qs.iterator(chunk_size=CHUNK_SIZE)
        if qs._iterable_class is not ModelIterable:
            # History rows read as values: tens of thousands of model objects are most of
            # the export's time otherwise.
            rows = map(_Row, rows)
        while chunk := list(itertools.islice(rows, CHUNK_SIZE)):
            _name_users(chunk, users)
            yield from build(chunk, case_meta)

    # --- the sources ---------------------------------------------------------------------

    def _sources(self, export=False):
        """Each source's rows and what turns them into entries.

        A page (``export`` false) asks the database for the newest rows that are news: the
        version before each row and whether it differs are found by index for the few rows
        read. The export reads every row of the cases in scope instead, with the version
        before it from a window (one sort, not a lookup per row), and leaves out in Python
        what is not news or not asked for (who, when): the same rules, told by
        ``tests/test_governance_audit_export.py``. The user and dates cannot be filtered in
        SQL there, since the version before a row may be another user's or older.
        """
        if not export:
            querysets = [
                self._case_records(),
                self._economy_records(),
                self._principle_records(),
                self._assessment_records(),
                *(self._case_row_records(source) for source in case_row_sources()),
                self._phase_records(),
                self._transitions(),
            ]
            return list(zip(querysets, self._page_builders(), strict=True))
        return [
            (self._case_export_records(), self._case_export_entries),
            (
                self._row_export_records(CaseEconomyLine, "amount"),
                self._export_builder(_row_is_news("amount"), self._economy_entries),
            ),
            (
                self._row_export_records(CasePrinciple, "justification"),
                self._export_builder(_row_is_news("justification"), self._principle_entries),
            ),
            (
                self._versions_export(
                    Assessment, ASSESSMENT_FIELDS, self._case_history(Assessment)
                ),
                self._export_builder(
                    _version_is_news(Assessment, ASSESSMENT_FIELDS), self._assessment_entries
                ),
            ),
            *(
                (
                    self._versions_export(
                        source.model, source.fields, self._case_history(source.model)
                    ),
                    self._export_builder(
                        _version_is_news(source.model, source.fields),
                        self._case_row_builder(source),
                    ),
                )
                for source in case_row_sources()
            ),
            (
                self._versions_export(Phase, PHASE_FIELDS, self._phase_history()),
                self._export_builder(_version_is_news(Phase, PHASE_FIELDS), self._phase_entries),
            ),
            (self._transitions(), self._transition_entries),
        ]

    # --- the export's reading ----------------------------------------------------------

    def _case_history(self, model):
        """Every version of the rows of ``model`` of the cases in scope."""
        return _historical(model).objects.filter(case_id__in=self.case_ids)

    def _phase_history(self):
        qs = _historical(Phase).objects.filter(cycle_id=self.cycle.pk)
        return qs if self.cycle_wide else qs.none()

    def _asked(self, record) -> bool:
        """The user and dates of the filter, for a row read with every version of its row."""
        if self.user is not None and record.history_user_id != self.user.pk:
            return False
        if self.start is not None and record.history_date < self.start:
            return False
        return self.end is None or record.history_date < self.end

    def _export_builder(self, is_news, build):
        def exported(records, case_meta):
            records = [r for r in records if self._asked(r) and is_news(r)]
            return build(records, case_meta) if records else []

        return exported

    def _case_export_records(self):
        HistoricalCase = _historical(InvestmentCase)
        before = {f"before_{f.attname}": _lag(f.attname) for f in shown_case_fields()}
        return (
            HistoricalCase.objects.filter(id__in=self.case_ids)
            .annotate(previous_id=_lag("history_id"), **before)
            .order_by("-history_date", "-history_id")
            .values()
        )

    def _case_export_entries(self, records, case_meta) -> list[AuditEntry]:
        """The export's case versions: those asked for and that changed something shown
        (``_changed_sql``'s rule), told as a page tells them."""
        records = [r for r in records if self._asked(r)]
        if not records:
            return []
        if self._export_snapshots is None:
            self._export_snapshots = self._snapshots(None)
        snapshots = self._export_snapshots
        fields = shown_case_fields()
        news = []
        for record in records:
            if record.history_type in ("+", "-"):
                news.append(record)
            elif record.previous_id is not None and (
                any(
                    getattr(record, f"before_{f.attname}") != getattr(record, f.attname)
                    for f in fields
                )
                or any(
                    _links_differ(linked[record.previous_id], linked[record.history_id])
                    for linked in snapshots.values()
                )
            ):
                news.append(record)
        return self._case_entries(news, case_meta, snapshots=snapshots)

    def _row_export_records(self, model, name):
        Historical = _historical(model)
        key_fields = ECONOMY_KEY_FIELDS if model is CaseEconomyLine else ["principle_id"]
        replaced, replaced_later = replacement_filters(Historical, key_fields, name)
        return (
            self._case_history(model)
            .annotate(
                previous_value=_lag(name),
                # Looked up only for the rows the rule asks them of.
                replaced_value=Case(When(history_type="+", then=replaced)),
                replaced_later=Case(
                    When(history_type="-", then=replaced_later),
                    default=Value(False),
                    output_field=models.BooleanField(),
                ),
            )
            .order_by("-history_date", "-history_id")
            .values()
        )

    def _versions_export(self, model, names, qs):
        fields = [model._meta.get_field(name) for name in names]
        before = {f"before_{f.attname}": _lag(f.attname) for f in fields}
        return (
            qs.annotate(previous_id=_lag("history_id"), **before)
            .order_by("-history_date", "-history_id")
            .values()
        )

    def _in_scope(self, qs, *, case_field, when="history_date", who="history_user_id"):
        if case_field is not None:
            qs = qs.filter(**{f"{case_field}__in": self.case_ids})
        if self.user is not None:
            qs = qs.filter(**{who: self.user.pk})
        if self.start is not None:
            qs = qs.filter(**{f"{when}__gte": self.start})
        if self.end is not None:
            qs = qs.filter(**{f"{when}__lt": self.end})
        return qs

    def _news(self, news, case_field):
        """``news`` (whether a version changed something shown) judged only for the versions of
        the cases in scope.

        The database reads a source newest first and stops at the page's last row, judging
        each version on the way; left to itself it judges every version before it asks whether
        the version's case is in scope, so a department's page judged every department's
        versions. ``CASE`` makes it ask first (an index look-up of the case in scope).
        """
        if case_field is None or self.cycle_wide:
            # Every case of the cycle is in scope: asking first costs more than it saves
            # (measured on the scale-10 data: the cycle's page 41 ms in the database against 70).
            return news
        in_scope = Exists(
            self._case_records_in_scope.filter(id=OuterRef(case_field)).values("id")
        )
        return Case(
            When(in_scope, then=news),
            default=Value(False),
            output_field=models.BooleanField(),
        )

    @property
    def lookups(self):
        from governance.board.models import Criterion

        if self._lookups is None:
            self._lookups = {
                Criterion: {c.pk: c for c in Criterion.objects.all()},
                Department: {d.pk: d for d in Department.objects.all()},
                BudgetCycle: {c.pk: c for c in BudgetCycle.objects.all()},
                Principle: {p.pk: p for p in Principle.objects.all()},
                Theme: {t.pk: t for t in Theme.objects.all()},
                Potential: {p.pk: p for p in Potential.objects.all()},
                "channels": {c.pk: c for c in FinancingChannel.objects.all()},
            }
        return self._lookups

    def _page_case_meta(self, case_ids: set):
        """``_case_meta`` for the page's few cases, in SQL written once (one query, also when
        the page has no case)."""
        HistoricalCase = _historical(InvestmentCase)
        qn = connection.ops.quote_name
        table = qn(HistoricalCase._meta.db_table)
        ids = sorted(pk for pk in case_ids if pk is not None)
        asked = f"h.{qn('id')} IN ({', '.join(['%s'] * len(ids))})" if ids else "1 = 0"
        sql = (
            f"SELECT h.{qn('id')}, h.{qn('department_id')}, h.{qn('title')} FROM {table} h"
            f" WHERE {asked} AND h.{qn('history_id')} = (SELECT l.{qn('history_id')}"
            f" FROM {table} l WHERE l.{qn('id')} = h.{qn('id')}"
            f" ORDER BY COALESCE(l.{qn('history_date')}, l.{qn('history_date')}) DESC,"
            f" l.{qn('history_id')} DESC LIMIT 1)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, ids)
            latest = cursor.fetchall()
        departments = self.lookups[Department]
        meta = {pk: (departments.get(dep), title) for pk, dep, title in latest}
        return lambda case_id: meta.get(case_id, (None, str(case_id)))

    def _case_meta(self, case_ids):
        """Each case's department and title as its latest version has them: one query.

        ``case_ids`` None: every case in scope.
        """
        HistoricalCase = _historical(InvestmentCase)
        latest = HistoricalCase.objects.filter(
            _asked_for("id", self.case_ids if case_ids is None else set(case_ids) - {None}),
            history_id=Subquery(
                HistoricalCase.objects.filter(id=OuterRef("id"))
                .order_by(*_latest_first())
                .values("history_id")[:1]
            ),
        ).values_list("id", "department_id", "title")
        departments = self.lookups[Department]
        meta = {pk: (departments.get(dep), title) for pk, dep, title in latest}
        return lambda case_id: meta.get(case_id, (None, str(case_id)))

    # Case versions ---------------------------------------------------------------------

    def _case_records(self):
        HistoricalCase = _historical(InvestmentCase)
        links = [(through._meta.db_table, target) for _field, through, target in self.m2m_tables]
        return (
            self._in_scope(HistoricalCase.objects.all(), case_field="id")
            .annotate(previous_id=_previous(HistoricalCase))
            .filter(self._news(_changed(HistoricalCase, shown_case_fields(), links), "id"))
            .order_by("-history_date", "-history_id")
        )

    def _snapshots(self, history_ids) -> dict[str, dict[int, frozenset]]:
        """For each many-to-many field, the set of linked ids kept with each case version.

        ``history_ids`` None: every version of the cases in scope (the export reads them
        once, not a chunk at a time); a version without links has the empty set.
        """
        if history_ids is None:
            HistoricalCase = _historical(InvestmentCase)
            versions = Q(
                history_id__in=HistoricalCase.objects.filter(id__in=self.case_ids).values(
                    "history_id"
                )
            )
        else:
            versions = _asked_for("history_id", history_ids)
        # One query for all the link tables.
        links = [
            through.objects.filter(versions)
            .annotate(link_table=Value(number))
            .values_list("history_id", target, "link_table")
            for number, (_m2m_field, through, target) in enumerate(self.m2m_tables)
        ]
        linked: list[dict[int, set]] = [defaultdict(set) for _table in self.m2m_tables]
        for history_id, target_id, number in links[0].union(*links[1:], all=True):
            linked[number][history_id].add(target_id)
        if history_ids is None:
            snapshots = {}
            for number, (m2m_field, _through, _target) in enumerate(self.m2m_tables):
                snapshots[m2m_field.name] = defaultdict(frozenset)
                for hid, targets in linked[number].items():
                    snapshots[m2m_field.name][hid] = frozenset(targets)
            return snapshots
        return {
            m2m_field.name: {hid: frozenset(linked[number].get(hid, ())) for hid in history_ids}
            for number, (m2m_field, _through, _target) in enumerate(self.m2m_tables)
        }

    def _case_entries(self, records, case_meta, snapshots=None) -> list[AuditEntry]:
        """Case versions as entries; the export's come with the version before them
        (``before_<field>``) and the links of both (``snapshots``)."""
        HistoricalCase = _historical(InvestmentCase)
        fields = shown_case_fields()
        previous_ids = {r.previous_id for r in records if r.previous_id is not None}
        if snapshots is None:
            previous = {
                p.history_id: p
                for p in HistoricalCase.objects.filter(_asked_for("history_id", previous_ids))
            }
            snapshots = self._snapshots({r.history_id for r in records} | previous_ids)
        else:
            previous = {r.previous_id: _Before(r) for r in records if r.previous_id is not None}
        lookups = self.lookups
        what = {"+": (ENTRY_CREATED, _("Case created")), "-": (ENTRY_DELETED, _("Case deleted"))}
        changed = (ENTRY_CHANGED, _("Case changed"))
        entries = []
        for record in records:
            department, title = case_meta(record.id)
            kind, text = what.get(record.history_type, changed)
            entry = AuditEntry(
                when=record.history_date,
                user=record.history_user,
                department=department,
                case_id=record.id,
                case_title=title,
                kind=kind,
                what=text,
                comment=record.history_change_reason or "",
                order=(0, record.history_id),
            )
            before = previous.get(record.previous_id)
            if kind == ENTRY_CHANGED and before is not None:
                entry.changes = field_changes(
                    fields,
                    before,
                    record,
                    value=_named(lookups),
                    who=record.history_user,
                    when=record.history_date,
                )
                entry.changes += _m2m_changes(before, record, snapshots, lookups)
            entries.append(entry)
        return entries

    # Economy lines and principles --------------------------------------------------------

    def _row_records(self, model, key_fields, name):
        Historical = _historical(model)
        replaced, replaced_later = replacement_filters(Historical, key_fields, name)
        return (
            self._in_scope(Historical.objects.all(), case_field="case_id")
            .annotate(
                previous_value=_previous_value(Historical, model._meta.get_field(name)),
                replaced_value=replaced,
                replaced_later=replaced_later,
            )
            # A save that left the value as it was is not news; nor is a row deleted and
            # created again as it was (``portfolio.history``'s rule, in SQL).
            .filter(
                self._news(
                    ExpressionWrapper(
                        (Q(history_type="-") & Q(replaced_later=False))
                        | (
                            Q(history_type="+")
                            & (Q(replaced_value__isnull=True) | ~Q(replaced_value=F(name)))
                        )
                        | (
                            Q(history_type="~")
                            & (Q(previous_value__isnull=True) | ~Q(previous_value=F(name)))
                        ),
                        output_field=models.BooleanField(),
                    ),
                    "case_id",
                )
            )
            .order_by("-history_date", "-history_id")
        )

    def _economy_records(self):
        return self._row_records(CaseEconomyLine, ECONOMY_KEY_FIELDS, "amount")

    def _principle_records(self):
        return self._row_records(CasePrinciple, ["principle_id"], "justification")

    def _economy_entries(self, records, case_meta) -> list[AuditEntry]:
        if not records:
            return []
        what = _("Economy")
        entries = []
        for record in records:
            old, new = _before_after(record, "amount")
            change = economy_change(
                record.kind,
                record.year,
                old,
                new,
                area=record.styringsomraade,
                who=record.history_user,
                when=record.history_date,
            )
            entries.append(_row_entry(record, case_meta, what, [change]))
        return entries

    def _principle_entries(self, records, case_meta) -> list[AuditEntry]:
        if not records:
            return []
        principles = self.lookups[Principle]
        what = _("Principle")
        entries = []
        for record in records:
            old, new = _before_after(record, "justification")
            change = principle_change(
                linked_name(principles.get(record.principle_id)),
                old,
                new,
                who=record.history_user,
                when=record.history_date,
            )
            entries.append(_row_entry(record, case_meta, what, [change]))
        return entries

    # The directors' assessments and the phases' dates ----------------------------------

    def _versions(self, model, names, qs, case_field="case_id"):
        """Versions that changed one of ``names`` (and creations, deletions), newest first."""
        Historical = _historical(model)
        fields = [model._meta.get_field(name) for name in names]
        before = {f"before_{f.attname}": _previous_value(Historical, f) for f in fields}
        return (
            qs.annotate(previous_id=_previous(Historical), **before)
            .filter(self._news(_changed(Historical, fields), case_field))
            .order_by("-history_date", "-history_id")
        )

    def _assessment_records(self):
        Historical = _historical(Assessment)
        return self._versions(
            Assessment,
            ASSESSMENT_FIELDS,
            self._in_scope(Historical.objects.all(), case_field="case_id"),
        )

    def _case_row_records(self, source):
        Historical = _historical(source.model)
        return self._versions(
            source.model,
            source.fields,
            self._in_scope(Historical.objects.all(), case_field="case_id"),
        )

    def _case_row_builder(self, source):
        """Entries for a case's row of the board or the money (scores, places, amounts)."""

        def build(records, case_meta) -> list[AuditEntry]:
            changes = self._version_changes(
                source.model, source.fields, records, value=source.value
            )
            entries = []
            for record in records:
                department, title = case_meta(record.case_id)
                entries.append(
                    AuditEntry(
                        when=record.history_date,
                        user=record.history_user,
                        department=department,
                        case_id=record.case_id,
                        case_title=title,
                        kind=ENTRY_ASSESSMENT,
                        what=source.what(record, self.lookups),
                        changes=changes[record.history_id],
                        comment=record.history_change_reason or "",
                        order=(0, record.history_id),
                    )
                )
            return entries

        return build

    def _phase_records(self):
        Historical = _historical(Phase)
        qs = Historical.objects.filter(cycle_id=self.cycle.pk)
        if not self.cycle_wide:
            # Nothing, in a form the COUNT query can still hold.
            qs = qs.filter(cycle_id__isnull=True)
        else:
            qs = self._in_scope(qs, case_field=None)
        return self._versions(Phase, PHASE_FIELDS, qs, case_field=None)

    def _version_changes(self, model, names, records, value=None) -> dict[int, list[ChangeEntry]]:
        """Each record's changes against the version before it, read with the record."""
        fields = [model._meta.get_field(name) for name in names]
        nothing = _Nothing()
        changes = {}
        for record in records:
            if record.history_type == "-":
                changes[record.history_id] = []
                continue
            before = _Before(record) if record.history_type == "~" else nothing
            changes[record.history_id] = field_changes(
                fields,
                before,
                record,
                value=value,
                who=record.history_user,
                when=record.history_date,
            )
        return changes

    def _assessment_entries(self, records, case_meta) -> list[AuditEntry]:
        changes = self._version_changes(Assessment, ASSESSMENT_FIELDS, records)
        what = {
            "+": _("Directors' assessment given"),
            "-": _("Directors' assessment deleted"),
            "~": _("Directors' assessment changed"),
        }
        entries = []
        for record in records:
            department, title = case_meta(record.case_id)
            entries.append(
                AuditEntry(
                    when=record.history_date,
                    user=record.history_user,
                    department=department,
                    case_id=record.case_id,
                    case_title=title,
                    kind=ENTRY_ASSESSMENT,
                    what=what[record.history_type],
                    changes=changes[record.history_id],
                    comment=record.history_change_reason or "",
                    order=(0, record.history_id),
                )
            )
        return entries

    def _phase_entries(self, records, case_meta) -> list[AuditEntry]:
        changes = self._version_changes(Phase, PHASE_FIELDS, records)
        entries = []
        for record in records:
            label = PhaseKind(record.kind).label if record.kind in PhaseKind.values else record.kind
            entries.append(
                AuditEntry(
                    when=record.history_date,
                    user=record.history_user,
                    department=None,
                    case_id=None,
                    case_title="",
                    kind=ENTRY_PHASE,
                    what=_("Phase: %(phase)s") % {"phase": label},
                    changes=changes[record.history_id],
                    comment=record.history_change_reason or "",
                    order=(0, record.history_id),
                )
            )
        return entries

    # Transitions ---------------------------------------------------------------------------

    def _transitions(self):
        return self._in_scope(
            CaseTransition.objects.all(),
            case_field="case_id",
            when="created_at",
            who="actor_id",
        ).order_by("-created_at", "-pk")

    def _transition_entries(self, transitions, case_meta) -> list[AuditEntry]:
        if not transitions:
            return []
        what = _("Transition")
        entries = []
        for transition in transitions:
            department, title = case_meta(transition.case_id)
            entries.append(
                AuditEntry(
                    when=transition.created_at,
                    user=transition.actor,
                    department=department,
                    case_id=transition.case_id,
                    case_title=title,
                    kind=ENTRY_TRANSITION,
                    what=what,
                    changes=[state_change(transition)],
                    comment=transition_comment(transition),
                    order=(1, transition.pk),
                )
            )
        return entries


def audit_entries(
    cycle: BudgetCycle,
    *,
    department: Department | None = None,
    user: User | None = None,
    case: InvestmentCase | int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> AuditLog:
    """Every transition and change of the cycle's cases, newest first, filtered (lazily)."""
    return AuditLog(
        cycle,
        department=department,
        user=user,
        case=case,
        date_from=date_from,
        date_to=date_to,
    )


# Stand-ins for the filter's values in the page's compiled SQL (``_page_sql``): values no
# real row has, inside their columns' range (Django answers an out-of-range integer itself).
_STAND_IN_CYCLE = -2_000_000_001
_STAND_IN_DEPARTMENT = -2_000_000_002
_STAND_IN_USER = -2_000_000_003
_STAND_IN_CASE = -2_000_000_004
_STAND_IN_START = datetime.datetime(1901, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)
_STAND_IN_END = datetime.datetime(1901, 2, 3, 4, 5, 7, tzinfo=datetime.UTC)


@dataclass
class _PageSQL:
    """One source of a page, compiled: its SQL, its parameters (with stand-ins) and what the
    ORM would do to its rows (the names of the values, the converters of the columns)."""

    sql: str
    params: tuple
    compiler: object
    names: list
    kind: str  # "case", "phase", "transition" or "row" (a row of a case)

    def rows(self, fetched, number) -> list:
        compiler = self.compiler
        converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
        if converters:
            fetched = compiler.apply_converters(fetched, converters)
        names = self.names
        rows = []
        for values in fetched:
            row = _Row(dict(zip(names, values, strict=True)))
            # Its place in the log (as ``_sort_key`` of its entry) and its case.
            if self.kind == "transition":
                row.pk = row.id
                row.audit_key = (row.created_at, (1, row.id))
            else:
                row.audit_key = (row.history_date, (0, row.history_id))
            if self.kind == "case":
                row.audit_case_id = row.id
            elif self.kind == "phase":
                row.audit_case_id = None
            else:
                row.audit_case_id = row.case_id
            rows.append(row)
        return rows


def _page_sql(shape: tuple, stop: int) -> list[_PageSQL]:
    """The page's sources compiled for a shape of the filter (which filters are set) and the
    number of rows read of each; compiled once per database connection object and shape."""
    cache = connection.__dict__.setdefault("_audit_page_sql", {})
    key = (shape, stop)
    if key not in cache:
        has_department, has_user, has_case, has_start, has_end = shape
        stand_in = AuditLog(
            _StandIn(_STAND_IN_CYCLE),
            department=_StandIn(_STAND_IN_DEPARTMENT) if has_department else None,
            user=_StandIn(_STAND_IN_USER) if has_user else None,
            case=_STAND_IN_CASE if has_case else None,
        )
        stand_in.start = _STAND_IN_START if has_start else None
        stand_in.end = _STAND_IN_END if has_end else None
        HistoricalCase, HistoricalPhase = _historical(InvestmentCase), _historical(Phase)
        compiled = []
        for qs, _build in stand_in._sources():
            model = qs.model
            kind = {
                CaseTransition: "transition",
                HistoricalCase: "case",
                HistoricalPhase: "phase",
            }.get(model, "row")
            values = qs.values()[:stop]
            query = values.query
            compiler = query.get_compiler(using=values.db)
            sql, params = compiler.as_sql()
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
            compiled.append(_PageSQL(sql, tuple(params), compiler, names, kind))
        if len(cache) > 64:
            cache.clear()
        cache[key] = compiled
    return cache[key]


class _StandIn:
    """A cycle, department or user of which the compiled SQL needs only the primary key."""

    def __init__(self, pk):
        self.pk = pk


@functools.cache
def _historical(model):
    """The history model of ``model``: ``model.history`` builds a new manager class at every
    access (a few milliseconds a page), so it is looked up once."""
    return model.history.model


def _asked_for(name: str, values) -> Q:
    """``name`` is one of ``values`` (a set, or a subquery), in a form that is sent to the
    database even when the set is empty (Django answers an empty ``IN`` itself): a page runs
    the same queries whatever it shows."""
    if isinstance(values, set | frozenset | list | tuple):
        values = {value for value in values if value is not None}
        if not values:
            # Django drops the empty ``IN`` and sends this (which matches nothing).
            return Q(**{f"{name}__in": values}) | Q(**{f"{name}__isnull": True})
    return Q(**{f"{name}__in": values})


def _who(row) -> str:
    """The field of a source row that holds who made it."""
    return "actor" if hasattr(row, "actor_id") else "history_user"


def _name_users(rows, users: dict) -> None:
    """Give each row its user from ``users`` (read once, not joined to every row)."""
    for row in rows:
        who = _who(row)
        setattr(row, who, users.get(getattr(row, f"{who}_id")))


def _first(item):
    return item[0]


class _Row:
    """A history row of the export, read as values; its fields are its attributes."""

    def __init__(self, values: dict):
        self.__dict__ = values


class _Before:
    """The version before a record, as read with it (``before_<attname>``)."""

    def __init__(self, record):
        self.record = record
        self.history_id = record.previous_id

    def __getattr__(self, name):
        return getattr(self.record, f"before_{name}")


def _lag(name: str) -> Window:
    """``name`` in the version before, of the same row (NULL for the first): the order of
    ``_previous_sql``, from one sort of all the rows read."""
    return Window(
        Lag(name),
        partition_by=[F("id")],
        order_by=[F("history_date").asc(), F("history_id").asc()],
    )


def _links_differ(before: frozenset, after: frozenset) -> bool:
    """``_changed_sql``'s comparison of links: a link to nothing always counts as a change
    (SQL's ``NOT IN`` with NULL), otherwise the sets differ."""
    return None in before or None in after or before != after


def _version_is_news(model, names):
    """``_changed_sql``'s rule for a record read with ``before_<field>`` and ``previous_id``."""
    attnames = [model._meta.get_field(name).attname for name in names]

    def is_news(record) -> bool:
        if record.history_type in ("+", "-"):
            return True
        return record.previous_id is not None and any(
            getattr(record, f"before_{a}") != getattr(record, a) for a in attnames
        )

    return is_news


def _row_is_news(name: str):
    """``_row_records``' rule for a record read with ``previous_value``, ``replaced_value``
    and ``replaced_later``."""

    def is_news(record) -> bool:
        value = getattr(record, name)
        if record.history_type == "-":
            return not record.replaced_later
        if record.history_type == "+":
            return record.replaced_value is None or record.replaced_value != value
        if record.history_type == "~":
            return record.previous_value is None or record.previous_value != value
        return False

    return is_news


class _Nothing:
    """The version before a creation: every field empty."""

    def __getattr__(self, name):
        return None


def _named(lookups):
    """A field's value, a relation named from the objects read once for the whole log."""

    def value(model_field, record):
        stored = getattr(record, model_field.attname)
        if model_field.is_relation:
            return lookups.get(model_field.related_model, {}).get(stored, stored)
        return stored

    return value


def _m2m_changes(previous, record, snapshots, lookups) -> list[ChangeEntry]:
    changes = []
    for m2m_field in InvestmentCase._meta.many_to_many:
        changes += link_changes(
            m2m_field,
            snapshots[m2m_field.name][previous.history_id],
            snapshots[m2m_field.name][record.history_id],
            lookups.get(m2m_field.related_model, {}),
            who=record.history_user,
            when=record.history_date,
        )
    return changes


def _row_entry(record, case_meta, what: str, changes: list[ChangeEntry]) -> AuditEntry:
    department, title = case_meta(record.case_id)
    kind = {"+": ENTRY_CREATED, "-": ENTRY_DELETED}.get(record.history_type, ENTRY_CHANGED)
    if getattr(record, "replaced_value", None) is not None:
        kind = ENTRY_CHANGED
    return AuditEntry(
        when=record.history_date,
        user=record.history_user,
        department=department,
        case_id=record.case_id,
        case_title=title,
        kind=kind,
        what=what,
        changes=changes,
        comment=record.history_change_reason or "",
        order=(0, record.history_id),
    )


def _before_after(record, name):
    """A row's value before and after one of its history records; None where it had none."""
    if record.history_type == "+":
        # A creation that replaces a row deleted a moment before is a change of it.
        return record.replaced_value, getattr(record, name)
    if record.previous_value is None:
        return None, getattr(record, name)
    if record.history_type == "-":
        return getattr(record, name), None
    return record.previous_value, getattr(record, name)
