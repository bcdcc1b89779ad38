"""Seed the demo (``kkdigital.demo``): the base demo, then each area's demo data."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from kkdigital.demo import data
from kkdigital.demo.seed import Seeder, seed_areas
from portfolio.models import InvestmentCase, User


class Command(BaseCommand):
    help = (
        "Seed the demo: the KK digitalisation strategy 2024–2027 (six themes and their goal "
        "statements), the three principles, three ambitions and four potentials, the seven "
        "departments, the three financing channels with demo capacities 2027–2030 (marked "
        "'Demotal'), the 'Budget 2027' cycle, one demo user per role (password "
        f"'{data.DEMO_PASSWORD}') and 27 demo cases, written through the app's own services "
        "on a fixed clock so that every step was taken by the right person in its phase: "
        "the directors' assessments, the published prioritisation, and two Economic "
        "Committee meetings: one past with the decisions on the decided cases, one in the "
        "budget negotiations with the forwarded cases on its agenda. Then the secretariat "
        "dates the phases from the day the command runs: the intake is open today (from 21 "
        "days ago to 30 days ahead), qualification, prioritisation, transfer case and "
        "budget negotiations come one after the other after it, and the follow-ups are in "
        "May and November 2027. Then each module kkdigital/demo/area_*.py adds its area's "
        "demo data, in file-name order. "
        "Idempotent: master data, users and phases are brought back to the demo values; "
        "the cases are written once and then left as the demo leaves them. Refuses to run "
        "with DEBUG=0 unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even when DEBUG is off (never on a production database).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo writes demo users with a known password and refuses to run with "
                "DEBUG=0. Use --force if this really is a demo installation."
            )
        seeder = Seeder(now=timezone.now())
        with transaction.atomic():
            seeder.run()
        verbose = options.get("verbosity", 1) > 0
        areas = seed_areas(
            today=seeder.today, log=lambda text: verbose and self.stdout.write(text)
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo seeded: {InvestmentCase.objects.count()} cases "
                f"({seeder.created_cases} new), {User.objects.count()} users, "
                f"{len(areas)} area module(s). "
                f"Log in with a demo user and the password '{data.DEMO_PASSWORD}'."
            )
        )
