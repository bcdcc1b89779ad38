"""Seed benchmark volume: N times Copenhagen's portfolio (``bench.volume``)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Write benchmark data at N times KK's volume into an EMPTY database: at scale N about "
        "N×400 cases over five budget cycles (each with ten economy lines and its history), "
        "allocations in the three channels, a few loans with schedules, decisions, the board "
        "of Budget 2027 scored by three directors, two frozen plan versions, N×1.600 IT "
        "systems and N×2.000 contracts, and two follow-up rounds. The same --scale and "
        "--seed give the same data. Refuses to run with DEBUG=0 unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="1 ≈ KK today (400 cases)")
        parser.add_argument("--seed", type=int, default=1, help="the seed number (default 1)")
        parser.add_argument("--force", action="store_true",
                            help="Seed even when DEBUG is off (never on a production database).")

    def handle(self, *args, scale, seed, force, **options):
        from bench.volume import seed_volume

        if scale < 1:
            raise CommandError("--scale must be at least 1.")
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this writes benchmark data. Use --force.")
        started = time.perf_counter()
        try:
            seed_volume(scale=scale, seed=seed, log=self.stdout.write)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            f"Volume at scale {scale} (seed {seed}) in {time.perf_counter() - started:.1f} s."
        ))
