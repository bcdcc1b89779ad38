"""Create the role groups and give the secretariat its admin permissions."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction

from portfolio.models import Role, User

ALL = ("view", "add", "change", "delete")
VIEW = ("view",)

# What the secretariat may do in the admin, by app and model. The secretariat
# keeps the master data and the cycles; cases are changed through the
# workflow (state is read-only in the admin); transitions and notifications
# are records and only read.
SECRETARIAT_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "strategy": {
        "strategy": ALL,
        "theme": ALL,
        "themegoal": ALL,
        "principle": ALL,
        "ambition": ALL,
        "potential": ALL,
        "departmentstrategy": ALL,
        "targetmetric": ALL,
        "signatureproject": ALL,
    },
    "portfolio": {
        "department": ALL,
        "user": ("view", "add", "change"),
        "investmentcase": ("view", "change"),
        "caseprinciple": ALL,
        "caseeconomyline": ALL,
        # The IT register: the KITOS unit mapping and the radar's settings.
        "orgunitmapping": ALL,
        "registersettings": ("view", "change"),
    },
    "financing": {
        "financingchannel": ALL,
        "channelcapacity": ALL,
        "priceindex": ALL,
        "poolrules": ALL,
        "loanterms": ALL,
    },
    "governance": {
        "budgetcycle": ALL,
        "phase": ALL,
        "casetransition": VIEW,
        "notification": VIEW,
    },
    "auth": {"group": VIEW},
    # Login throttling: see who is locked out and lift a lock-out.
    "axes": {"accessattempt": ("view", "delete"), "accesslog": VIEW, "accessfailurelog": VIEW},
}
# The secretariat reads every other model of the process apps as well.
PROCESS_APPS = ("strategy", "portfolio", "financing", "governance")


def secretariat_permission_codenames() -> set[tuple[str, str]]:
    """(app label, codename) of every permission the secretariat group holds."""
    wanted = {
        (app_label, f"{action}_{model}")
        for app_label, models in SECRETARIAT_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    }
    for app_label in PROCESS_APPS:
        for model in apps.get_app_config(app_label).get_models():
            name = model._meta.model_name
            if not name.startswith("historical"):
                wanted.add((app_label, f"view_{name}"))
    return wanted


@transaction.atomic
def setup_roles() -> None:
    """Make one group per role and keep the secretariat's permissions as declared.

    Idempotent; safe in production. Active secretariat members get staff
    status, which the admin login requires.
    """
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    wanted = secretariat_permission_codenames()
    labels = {app_label for app_label, _ in wanted}
    permissions = [
        p
        for p in Permission.objects.filter(content_type__app_label__in=labels).select_related(
            "content_type"
        )
        if (p.content_type.app_label, p.codename) in wanted
    ]
    secretariat = Group.objects.get(name=Role.SECRETARIAT)
    secretariat.permissions.set(permissions)
    for user in User.objects.filter(groups=secretariat, is_active=True, is_staff=False):
        user.is_staff = True
        user.save(update_fields=["is_staff"])


class Command(BaseCommand):
    help = (
        "Create the role groups (one per portfolio.models.Role) and give the secretariat "
        "group the model permissions it needs in the admin. Safe to run on every deploy."
    )

    def handle(self, *args, **options):
        setup_roles()
        self.stdout.write(self.style.SUCCESS("Roles and permissions are set up."))
