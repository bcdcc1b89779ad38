"""Move the single assessments onto the board: the assessing director's score
becomes their score on each default criterion, the rank a unique board rank,
the recommendation and reason the board's, and a published prioritisation the
board's first publication."""

from django.db import migrations

DEFAULT_CRITERIA = (
    ("Strategisk sammenhæng med temaerne", "Hvor godt understøtter sagen digitaliseringsstrategiens temaer og deres mål?"),
    ("Værdi ved at investere “fælles først”", "Skaber det værdi at udvikle og investere sammen frem for hver for sig?"),
    ("Færrest mulige it-systemer og flere fælles platforme", "Samler sagen systemer og bygger den på fælles platforme?"),
    ("Tæt på kerneopgaven og driften", "Understøtter sagen kerneopgaven tæt på driften?"),
    ("Planens fire potentialer", "Tilgængelighed, aflastning af driften, forenkling af administrationen, skalering af teknologi."),
    ("Modenhed og risiko", "Er sagen moden til at gå i gang, og er risikoen håndteret?"),
)
BOARD_STATES = (
    "qualified", "prioritised", "not_recommended", "forwarded", "approved", "rejected",
    "deferred", "in_progress", "completed",
)
PUBLISHED_STATES = BOARD_STATES[1:]
MIGRATED = "Overført fra den tidligere samlede vurdering."


def forwards(apps, schema_editor):
    Assessment = apps.get_model("governance", "Assessment")
    BudgetCycle = apps.get_model("governance", "BudgetCycle")
    PrioritisationRound = apps.get_model("governance", "PrioritisationRound")
    Criterion = apps.get_model("governance", "Criterion")
    Score = apps.get_model("governance", "Score")
    Board = apps.get_model("governance", "Board")
    BoardEntry = apps.get_model("governance", "BoardEntry")
    BoardPublication = apps.get_model("governance", "BoardPublication")
    InvestmentCase = apps.get_model("portfolio", "InvestmentCase")

    for cycle in BudgetCycle.objects.all():
        assessments = {a.case_id: a for a in Assessment.objects.filter(case__cycle=cycle)}
        cases = list(
            InvestmentCase.objects.filter(cycle=cycle).filter(
                state__in=BOARD_STATES
            ) | InvestmentCase.objects.filter(pk__in=list(assessments))
        )
        if not cases and not assessments:
            continue
        criteria = []
        for position, (name, description) in enumerate(DEFAULT_CRITERIA, start=1):
            criterion, _ = Criterion.objects.get_or_create(
                cycle=cycle, name=name,
                defaults={"description": description, "weight": 1, "position": position},
            )
            criteria.append(criterion)
        Board.objects.get_or_create(cycle=cycle)
        publication = None
        round_ = PrioritisationRound.objects.filter(cycle=cycle).first()
        if round_ is not None:
            publication = BoardPublication.objects.create(
                cycle=cycle, number=1, published_at=round_.published_at,
                published_by_id=round_.published_by_id,
            )

        def order(case):
            a = assessments.get(case.pk)
            return (
                a.rank if a and a.rank else 10**9,
                -(a.score if a else 0),
                case.pk,
            )

        for rank, case in enumerate(sorted(set(cases), key=order), start=1):
            a = assessments.get(case.pk)
            recommendation = ""
            if a and a.recommendation == "prioritise":
                recommendation = "recommended"
            elif a and a.recommendation == "not_recommended":
                recommendation = "not_recommended"
            BoardEntry.objects.create(
                cycle=cycle, case=case, rank=rank, recommendation=recommendation,
                reason=a.reason if a else "",
                published_in=publication if case.state in PUBLISHED_STATES else None,
            )
            if a:
                for criterion in criteria:
                    Score.objects.create(
                        case=case, director_id=a.assessed_by_id, criterion=criterion,
                        value=a.score, comment=MIGRATED, scored_at=a.updated_at,
                    )


class Migration(migrations.Migration):
    dependencies = [("governance", "0009_board_and_plan")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
