"""Notifications: who hears about what happens to a case, in the app and by e-mail.

``notify_transition`` is the one entry point for the case workflow: the
transition helper calls it inside its transaction, with the transition row it
has just written. Each notification is one row per recipient; its e-mail is
sent by a Celery task once the transaction has committed, so a rolled-back
transition sends nothing.
"""

import datetime
import logging
import re
import time

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from governance.models import BudgetCycle, CaseTransition, Notification, PhaseKind
from portfolio.models import CaseState, InvestmentCase, Role, User

logger = logging.getLogger(__name__)

# The template in templates/governance/email/ for each kind of message.
KIND_SUBMITTED = "submitted"
KIND_SUBMITTED_RECEIPT = "submitted_receipt"
KIND_RETURNED = "returned"
KIND_QUALIFIED = "qualified"
KIND_DECISION = "decision"
KIND_REMINDER = "intake_reminder"
KIND_PRIORITISED = "prioritised"
KIND_NOT_RECOMMENDED = "not_recommended"
KIND_CARRIED_OVER = "carried_over"

DECISION_STATES = (CaseState.APPROVED, CaseState.REJECTED, CaseState.DEFERRED)


def department_users(department_ids):
    """The active staff and IT leads of these departments: the people who own their cases."""
    return (
        User.objects.filter(
            is_active=True,
            department_id__in=department_ids,
            groups__name__in=[Role.DEPARTMENT_STAFF, Role.DEPARTMENT_IT_LEAD],
        )
        .distinct()
        .order_by("pk")
    )


def secretariat_users():
    return User.objects.filter(is_active=True, groups__name=Role.SECRETARIAT).distinct()


def _language_for(user) -> str:
    # Users have no language preference yet: everyone reads Danish, the default.
    return settings.LANGUAGE_CODE


def _case_url(case: InvestmentCase) -> str:
    return settings.KK_SITE_URL + case.get_absolute_url()


def _subject(kind: str, context: dict) -> str:
    subjects = {
        KIND_SUBMITTED_RECEIPT: _("Receipt: %(case)s has been submitted"),
        KIND_SUBMITTED: _("New case submitted: %(case)s"),
        KIND_RETURNED: _("Returned to your department: %(case)s"),
        KIND_QUALIFIED: _("Qualified: %(case)s"),
        KIND_DECISION: _("The Economic Committee's decision: %(case)s"),
        KIND_REMINDER: _("Reminder: the intake for %(cycle)s closes on %(deadline)s"),
        KIND_PRIORITISED: _("Prioritised by the IT directors: %(case)s"),
        KIND_NOT_RECOMMENDED: _("Not recommended by the IT directors: %(case)s"),
        KIND_CARRIED_OVER: _("In the new intake: %(case)s"),
    }
    values = {
        "case": context.get("case", ""),
        "cycle": context.get("cycle", ""),
        "deadline": context.get("deadline_text", ""),
    }
    # Keep the subject within the model field and on one line.
    return " ".join((subjects[kind] % values).split())[:250]


def _create(recipient: User, kind: str, context: dict, case=None) -> Notification:
    """One notification, written in the site's language whatever the request's, and
    e-mailed after commit. The e-mail's body has the greeting and the case's full
    address (KK_SITE_URL); the app shows the short message and links to the case."""
    with translation.override(_language_for(recipient)):
        context = {**context, "recipient": recipient}
        if "deadline" in context:
            context["deadline_text"] = _format_date(context["deadline"])
        subject = _subject(kind, context)
        template = f"governance/email/{kind}.txt"
        body = _text(render_to_string(template, context))
        message = in_app_message(template, context)
    notification = Notification(
        recipient=recipient, case=case, subject=subject, body=body, message=message
    )
    notification.full_clean()
    notification.save()
    _queue_email(notification.pk)
    return notification


def _text(rendered: str) -> str:
    # Template tags leave blank lines behind: at most one empty line in a row.
    return re.sub(r"\n{3,}", "\n\n", rendered.strip()) + "\n"


def _format_date(day: datetime.date) -> str:
    return date_format(day, "j. F Y")


# After a failed enqueue the broker is taken to be down for this long: the
# other notifications of the same request (publishing notifies every
# department) are not queued one timeout after another, and the sweeper
# (``send_unsent_emails``) sends them all once the broker is back.
BROKER_DOWN_PAUSE_SECONDS = 30
_broker_down_until = 0.0


def in_app_message(template: str, context: dict) -> str:
    """The short text the app shows for a notification: the e-mail template rendered
    with ``in_app`` (no greeting, no address, no sign-off). Call it in the site's
    language, as the e-mail's body."""
    return _text(render_to_string(template, {**context, "in_app": True}))


def queue_email(notification_id: int) -> None:
    """E-mail a notification after commit; fails fast when the broker is down (the
    beat task's sweep sends it later)."""
    _queue_email(notification_id)


def reset_broker_pause() -> None:
    """Forget an earlier enqueue failure (tests; a worker process that restarts)."""
    global _broker_down_until
    _broker_down_until = 0.0


def _queue_email(notification_id: int) -> None:
    # After commit: a rolled-back transition sends nothing.
    transaction.on_commit(lambda: _enqueue(notification_id), robust=True)


def _enqueue(notification_id: int) -> None:
    """Queue the e-mail task, or leave the notification for the sweeper.

    A broker that is down must neither turn a committed transition into an
    error page nor hold the request: the settings make the publish fail fast,
    and after one failure the next ones are not even tried for a while.
    """
    global _broker_down_until
    # Imported here because the tasks module imports this one.
    from governance.tasks import send_notification_email

    if time.monotonic() < _broker_down_until:
        logger.warning("notification %s: not queued, the broker is down; "
                       "the sweeper sends it", notification_id)
        return
    try:
        send_notification_email.delay(notification_id)
    except Exception as error:  # the broker's errors differ by transport
        _broker_down_until = time.monotonic() + BROKER_DOWN_PAUSE_SECONDS
        logger.warning("notification %s: could not be queued (%s); the sweeper sends it",
                       notification_id, error)


def notify_transition(transition: CaseTransition) -> list[Notification]:
    """Tell the right people that a case has moved.

    submitted: a receipt to the submitter and a notice to every secretariat user;
    returned: the owning department's staff and IT leads, with the comment;
    qualified: the department; approved, rejected or deferred by the Economic
    Committee: the department, with the decision text. Prioritised and not
    recommended are confidential until published: see
    ``notify_prioritisation_published``.
    Call it inside the transition's transaction.
    """
    case = transition.case
    context = {
        "case": case,
        "transition": transition,
        "actor": transition.actor,
        "comment": transition.comment.strip(),
        "case_url": _case_url(case),
        "department": case.department,
    }
    notifications: list[Notification] = []
    to_state = transition.to_state
    if to_state == CaseState.SUBMITTED:
        submitter = transition.actor
        notifications.append(_create(submitter, KIND_SUBMITTED_RECEIPT, context, case))
        for user in secretariat_users().exclude(pk=submitter.pk):
            notifications.append(_create(user, KIND_SUBMITTED, context, case))
    elif to_state in (CaseState.RETURNED, CaseState.QUALIFIED, *DECISION_STATES):
        kind = {
            CaseState.RETURNED: KIND_RETURNED,
            CaseState.QUALIFIED: KIND_QUALIFIED,
        }.get(to_state, KIND_DECISION)
        context["decision"] = CaseState(to_state).label if to_state in DECISION_STATES else ""
        for user in department_users([case.department_id]):
            notifications.append(_create(user, kind, context, case))
    return notifications


def notify_prioritisation_published(
    *, cycle: BudgetCycle, case_ids=None
) -> list[Notification]:
    """Tell each department how its qualified cases fared, once the prioritisation is public.

    Until the secretariat publishes the prioritisation it is confidential, so
    the transitions to prioritised and not recommended notify nobody; the
    publishing service calls this, inside its transaction, for the cases of each
    round it publishes (``case_ids``; None: every decided case of the cycle).
    Each message carries the comment of the transition that set the outcome.
    """
    outcomes = {
        CaseState.PRIORITISED: KIND_PRIORITISED,
        CaseState.NOT_RECOMMENDED: KIND_NOT_RECOMMENDED,
    }
    published = InvestmentCase.objects.filter(cycle=cycle, state__in=outcomes)
    if case_ids is not None:
        published = published.filter(pk__in=list(case_ids))
    cases = list(
        published.select_related("department")
        .prefetch_related(
            Prefetch(
                "transitions",
                queryset=CaseTransition.objects.filter(to_state__in=outcomes).order_by(
                    "-created_at", "-pk"
                ),
                to_attr="outcome_transitions",
            )
        )
        .order_by("department_id", "title", "pk")
    )
    users_by_department: dict[int, list[User]] = {}
    for user in department_users({case.department_id for case in cases}):
        users_by_department.setdefault(user.department_id, []).append(user)
    notifications: list[Notification] = []
    for case in cases:
        outcome = next(
            (t for t in case.outcome_transitions if t.to_state == case.state), None
        )
        context = {
            "case": case,
            "comment": outcome.comment.strip() if outcome else "",
            "case_url": _case_url(case),
            "department": case.department,
        }
        for user in users_by_department.get(case.department_id, ()):
            notifications.append(_create(user, outcomes[case.state], context, case))
    return notifications


def notification_send_email(*, notification_id: int, skip_locked: bool = False) -> bool:
    """E-mail one notification to its recipient, once.

    The row is locked while the mail is sent and ``emailed_at`` is set in the
    same transaction, so two deliveries of the task, two sweepers, or a late
    task and a sweeper cannot both send it; a notification already e-mailed,
    gone, or whose recipient has no address is skipped. With ``skip_locked``
    (the sweeper) a row that someone is sending right now is left to them
    instead of waited for. An SMTP error rolls back and propagates so that the
    task retries. Returns whether a mail was sent.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",), skip_locked=skip_locked)
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        if not notification.recipient.email:
            logger.info("notification %s: recipient has no e-mail address", notification_id)
            return False
        send_mail(
            notification.subject,
            notification.body,
            None,
            [notification.recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def send_unsent_emails(*, max_age: datetime.timedelta | None = None) -> int:
    """Send every notification whose e-mail is still unsent (Celery beat).

    Catches the mails that could not be queued while the broker was down, and
    the ones whose task was lost. Only recent notifications are sent (a mail
    about last month's transition is no news), and only those older than
    KK_UNSENT_EMAIL_MIN_AGE_SECONDS (a minute): a task queued a moment ago
    is not raced for nothing.
    Each notification is claimed by locking its row (skipping rows another
    sender holds) and marked sent in the same transaction: a mail goes out
    once however many sweepers and late tasks run. An SMTP failure stops this
    round; the next round tries again. Returns how many mails were sent.
    """
    if max_age is None:
        max_age = datetime.timedelta(days=settings.KK_UNSENT_EMAIL_MAX_AGE_DAYS)
    now = timezone.now()
    pending = (
        Notification.objects.filter(
            emailed_at__isnull=True,
            created_at__gte=now - max_age,
            created_at__lte=now
            - datetime.timedelta(seconds=settings.KK_UNSENT_EMAIL_MIN_AGE_SECONDS),
        )
        .exclude(recipient__email="")
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for notification_id in list(pending[:500]):
        if notification_send_email(notification_id=notification_id, skip_locked=True):
            sent += 1
    if sent:
        logger.info("sent %s notification e-mails that were not sent before", sent)
    return sent


def notification_mark_read(*, actor: User, notification_id: int | None = None) -> int:
    """Mark one of the actor's notifications, or all of them, as read.

    Only the actor's own notifications are touched. Returns how many changed.
    """
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    with transaction.atomic():
        return unread.update(read_at=timezone.now())


def send_intake_reminders(*, today: datetime.date | None = None) -> list[Notification]:
    """Remind departments with drafts that the intake closes in N days.

    N is the setting KK_REMINDER_DAYS_BEFORE_INTAKE_DEADLINE. On that day only,
    for the current cycle, every staff member and IT lead of a department with
    drafts gets one reminder. Running it again the same day sends nothing new.
    """
    today = today or timezone.localdate()
    days_before = int(settings.KK_REMINDER_DAYS_BEFORE_INTAKE_DEADLINE)
    cycle = BudgetCycle.objects.current(today)
    if cycle is None:
        return []
    intake = cycle.phases.filter(kind=PhaseKind.INTAKE).first()
    if intake is None or (intake.ends_on - today).days != days_before:
        return []
    notifications: list[Notification] = []
    with transaction.atomic():
        # Serialise runs for this cycle so that two at once cannot both remind.
        BudgetCycle.objects.select_for_update().get(pk=cycle.pk)
        drafts = InvestmentCase.objects.filter(cycle=cycle, state=CaseState.DRAFT).order_by(
            "title", "pk"
        )
        drafts_by_department: dict[int, list[InvestmentCase]] = {}
        for case in drafts:
            drafts_by_department.setdefault(case.department_id, []).append(case)
        if not drafts_by_department:
            return []
        # "Today" for the once-a-day rule is the day the reminders are written.
        reminded_today = set(
            Notification.objects.filter(
                case__isnull=True,
                created_at__date=timezone.localdate(),
                subject__in=_reminder_subjects(cycle, intake.ends_on),
            ).values_list("recipient_id", flat=True)
        )
        for user in department_users(drafts_by_department).select_related("department"):
            if user.pk in reminded_today:
                continue
            context = {
                "cycle": cycle,
                "deadline": intake.ends_on,
                "days_left": days_before,
                "department": user.department,
                "drafts": drafts_by_department[user.department_id],
                "site_url": settings.KK_SITE_URL,
            }
            notifications.append(_create(user, KIND_REMINDER, context))
    return notifications


def _reminder_subjects(cycle: BudgetCycle, deadline: datetime.date) -> set[str]:
    # The reminder has no kind field: it is recognised by its subject, which
    # names the cycle and the deadline, in every language it can be written in.
    subjects = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            subjects.add(
                _subject(
                    KIND_REMINDER, {"cycle": cycle, "deadline_text": _format_date(deadline)}
                )
            )
    return subjects


def notify_carried_over(transition: CaseTransition) -> list[Notification]:
    """Tell the owning department that its case is a draft in a later cycle's intake
    and that its economy must be updated for the new cycle's years.

    Called by the transition path (the workflow table's row "carry_over") inside
    its transaction, with the transition row it has just written.
    """
    case = transition.case
    context = {
        "case": case,
        "transition": transition,
        "cycle": case.cycle,
        "from_cycle": case.carried_over_from,
        "years": case.cycle.out_years,
        "case_url": _case_url(case),
        "department": case.department,
    }
    return [
        _create(user, KIND_CARRIED_OVER, context, case)
        for user in department_users([case.department_id])
    ]
