"""Synthetic data for the benchmarks, written with bulk SQL (COPY / executemany), seeded.

    python bench/generate.py big            # bench-50k: 50,000 staff, ~400,000 completions
    python bench/generate.py national       # nat-*: 32 partnerships, 500,000 staff, 5,000,000 completions
    python bench/generate.py import-target  # bench-import: 50,000 staff and 20 courses, no completions
    python bench/generate.py all            # the three
    add --force to drop and regenerate a data set that is already there

The same seed gives the same data on every run and database. Each partnership is written
in one transaction, staff and completions streamed in chunks, so memory stays bounded
however large the national set.
"""

import argparse
import datetime as dt
import random
import sys
import time

import common

START = dt.date(2019, 1, 1)
END = dt.date(2024, 12, 31)

# Scotland's 32 council areas with their populations (thousands, rounded): the national
# set gives each partnership a workforce in proportion.
AREAS = [
    ("Aberdeen City", 227),
    ("Aberdeenshire", 263),
    ("Angus", 116),
    ("Argyll and Bute", 86),
    ("City of Edinburgh", 527),
    ("Clackmannanshire", 52),
    ("Dumfries and Galloway", 149),
    ("Dundee City", 148),
    ("East Ayrshire", 122),
    ("East Dunbartonshire", 109),
    ("East Lothian", 108),
    ("East Renfrewshire", 97),
    ("Falkirk", 161),
    ("Fife", 374),
    ("Glasgow City", 635),
    ("Highland", 238),
    ("Inverclyde", 77),
    ("Midlothian", 95),
    ("Moray", 96),
    ("Na h-Eileanan Siar", 26),
    ("North Ayrshire", 134),
    ("North Lanarkshire", 341),
    ("Orkney Islands", 22),
    ("Perth and Kinross", 153),
    ("Renfrewshire", 179),
    ("Scottish Borders", 116),
    ("Shetland Islands", 23),
    ("South Ayrshire", 112),
    ("South Lanarkshire", 322),
    ("Stirling", 94),
    ("West Dunbartonshire", 88),
    ("West Lothian", 184),
]
NATIONAL_STAFF = 500_000
NATIONAL_COMPLETIONS_PER_STAFF = 10  # 5,000,000 in all
BIG_STAFF = 50_000
BIG_COMPLETIONS_PER_STAFF = 8  # ~400,000

ORGANISATIONS = [  # (name pattern, kind, share of the workforce)
    ("{area} Council", "council", 0.36),
    ("NHS {area}", "nhs_board", 0.34),
    ("{area} Health and Social Care Partnership", "hscp", 0.16),
    ("{area} Third Sector Interface", "third_sector", 0.06),
    ("{area} Housing Association", "other", 0.05),
    ("{area} Women's Aid", "third_sector", 0.03),
]
SERVICES = [
    "Children and Families",
    "Adult Social Work",
    "Community Mental Health",
    "Housing Options",
    "Addiction Recovery",
    "Justice Social Work",
    "Primary Care",
    "District Nursing",
    "Health Visiting",
    "Emergency Department",
    "Educational Psychology",
    "Early Years",
    "Secondary School",
    "Primary School",
    "Homelessness",
    "Welfare Rights",
    "Care at Home",
    "Residential Care",
    "Learning Disability",
    "Perinatal Mental Health",
    "CAMHS",
    "Youth Work",
    "Employability",
    "Community Justice",
    "Adult Protection",
    "Child Protection",
    "Fostering and Adoption",
    "Throughcare",
    "Domestic Abuse",
    "Sexual Health",
    "Psychology Services",
    "Police Liaison",
    "Libraries",
    "Customer Services",
]
LOCALITIES = ["North", "South", "East", "West", "Central", "Coastal", "Rural", "City"]
FIRST = [
    "Aileen",
    "Alasdair",
    "Amy",
    "Andrew",
    "Catriona",
    "Callum",
    "Eilidh",
    "Euan",
    "Fiona",
    "Fraser",
    "Grace",
    "Hamish",
    "Iona",
    "Iain",
    "Jenna",
    "Kirsty",
    "Lewis",
    "Mhairi",
    "Morag",
    "Niamh",
    "Oliver",
    "Rory",
    "Shona",
    "Stuart",
    "Una",
    "Yasmin",
    "Zainab",
    "Mohammed",
    "Agnieszka",
    "Tomasz",
]
LAST = [
    "Anderson",
    "Brown",
    "Campbell",
    "Clark",
    "Fraser",
    "Gray",
    "Hamilton",
    "Kerr",
    "MacDonald",
    "MacLeod",
    "Martin",
    "Mitchell",
    "Murray",
    "Paterson",
    "Reid",
    "Robertson",
    "Ross",
    "Scott",
    "Smith",
    "Stewart",
    "Thomson",
    "Walker",
    "Watson",
    "Wilson",
    "Young",
    "Khan",
    "Nowak",
    "Singh",
]
JOBS = [
    "Social Worker",
    "Staff Nurse",
    "Support Worker",
    "Teacher",
    "Health Visitor",
    "Team Leader",
    "Administrator",
    "Psychologist",
    "Housing Officer",
    "Care Assistant",
    "Youth Worker",
    "Doctor",
]
# (code, title, level, delivery, how often it is taken relative to the others)
COURSES = [
    ("TI-01", "Opening Doors", 1, "e-learning", 30),
    ("TI-02", "Becoming Trauma Informed", 1, "webinar", 25),
    ("TI-03", "Trauma Informed e-module", 1, "e-learning", 20),
    ("TI-04", "Sowing Seeds", 1, "e-learning", 10),
    ("TI-05", "Trauma Informed Leaders", 1, "webinar", 6),
    ("TI-06", "Opening Doors refresher", 1, "e-learning", 8),
    ("TI-07", "Trauma Informed Practice Induction", 1, "face-to-face", 8),
    ("TI-08", "Trauma and Young People", 1, "webinar", 6),
    ("TS-01", "Trauma Skilled e-module", 2, "e-learning", 14),
    ("TS-02", "Developing Your Trauma Skilled Practice", 2, "blended", 8),
    ("TS-03", "Transforming Psychological Trauma", 2, "face-to-face", 5),
    ("TS-04", "Trauma Skilled for Managers", 2, "webinar", 4),
    ("TS-05", "Trauma Skilled in Housing", 2, "blended", 3),
    ("TS-06", "Trauma Skilled in Schools", 2, "face-to-face", 3),
    ("TE-01", "Safety and Stabilisation", 3, "face-to-face", 3),
    ("TE-02", "Trauma Enhanced Practice", 3, "blended", 2),
    ("TE-03", "Survive and Thrive", 3, "face-to-face", 1.5),
    ("TE-04", "Trauma Enhanced Supervision", 3, "face-to-face", 1),
    ("SP-01", "Trauma Specialist: Phase-Based Therapy", 4, "face-to-face", 0.4),
    ("SP-02", "EMDR Foundations", 4, "face-to-face", 0.3),
]
TEAM_NEEDS = ([None] * 45) + ([1] * 15) + ([2] * 28) + ([3] * 10) + ([4] * 2)
STAFF_COLUMNS = [
    "partnership_id",
    "staff_id",
    "organisation_id",
    "team_id",
    "first_name",
    "last_name",
    "email",
    "job_title",
    "is_manager",
    "required_level",
    "start_date",
    "leaving_date",
]
COMPLETION_COLUMNS = ["partnership_id", "staff_id", "course_id", "completed_on", "source"]


def _slug(area: str) -> str:
    return common.NATIONAL_PREFIX + area.lower().replace(" ", "-").replace("'", "")


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def drop_partnership(slug: str) -> None:
    """Remove a generated partnership; its big tables by plain SQL, the rest by the ORM."""
    from django.db import connection, transaction

    from tiptracker.partnerships.models import Partnership

    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is None:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        for table in (
            # Survey data (bench_feedback.py) first: it refers to the courses and staff.
            "feedback_answer",
            "feedback_response",
            "feedback_invitation",
            "feedback_coursesurvey",
            "training_completion",
            "training_coveragesnapshot",
            "workforce_staffmember",
        ):
            cursor.execute(f"DELETE FROM {table} WHERE partnership_id = %s", [partnership.id])
        partnership.delete()


def generate_partnership(
    *,
    slug: str,
    name: str,
    area: str,
    staff_count: int,
    completions_per_staff: float,
    seed: int,
    with_completions: bool = True,
) -> dict:
    """One partnership: organisations, teams with needs, courses, staff and completions."""
    from django.db import transaction

    from tiptracker.partnerships.models import Organisation, Partnership
    from tiptracker.training.models import Course
    from tiptracker.workforce.models import StaffMember, Team

    rng = random.Random(seed)
    with transaction.atomic():
        partnership = Partnership.objects.create(slug=slug, name=name)
        organisations = Organisation.objects.bulk_create(
            Organisation(partnership=partnership, name=pattern.format(area=area), kind=kind)
            for pattern, kind, _share in ORGANISATIONS
        )
        # About 100 people to a team, each organisation's teams in proportion to its share.
        teams: list[Team] = []
        for organisation, (_pattern, _kind, share) in zip(
            organisations, ORGANISATIONS, strict=True
        ):
            count = max(3, round(staff_count * share / 100))
            names: set[str] = set()
            while len(names) < count:
                names.add(f"{rng.choice(SERVICES)} {rng.choice(LOCALITIES)} {rng.randint(1, 9)}")
            teams += [
                Team(
                    partnership=partnership,
                    organisation=organisation,
                    name=team_name,
                    required_level=rng.choice(TEAM_NEEDS),
                )
                for team_name in sorted(names)
            ]
        teams = Team.objects.bulk_create(teams)
        courses = Course.objects.bulk_create(
            Course(
                partnership=partnership,
                code=code,
                title=title,
                level=level,
                delivery=delivery,
                provider="NHS Education for Scotland",
            )
            for code, title, level, delivery, _weight in COURSES
        )
        team_weights = [rng.uniform(0.3, 3.0) for _ in teams]

        def staff_rows():
            chosen = rng.choices(teams, weights=team_weights, k=staff_count)
            for n, team in enumerate(chosen, start=1):
                first, last = rng.choice(FIRST), rng.choice(LAST)
                start = (
                    _day(rng, dt.date(2000, 1, 1), dt.date(2024, 6, 30))
                    if rng.random() < 0.3
                    else None
                )
                leaving = None
                if rng.random() < 0.12:
                    leaving = _day(rng, max(start or START, START), dt.date(2025, 12, 31))
                yield (
                    partnership.id,
                    f"S{n:06d}",
                    team.organisation_id,
                    team.id,
                    first,
                    last,
                    f"{first}.{last}{n}@example.org".lower(),
                    rng.choice(JOBS),
                    rng.random() < 0.08,
                    rng.choice((1, 2, 3)) if rng.random() < 0.02 else None,
                    start.isoformat() if start else None,
                    leaving.isoformat() if leaving else None,
                )

        common.bulk_insert(StaffMember._meta.db_table, STAFF_COLUMNS, staff_rows())
        completions = 0
        if with_completions:
            course_ids = [c.id for c in courses]
            course_weights = [weight for *_rest, weight in COURSES]
            # One partnership's people fit in memory; read them before the COPY starts, which
            # holds the connection until it ends.
            people = list(
                StaffMember.objects.filter(partnership=partnership)
                .order_by("id")
                .values_list("id", "start_date", "leaving_date")
            )

            def completion_rows():
                nonlocal completions
                most = int(2 * completions_per_staff)
                for staff_pk, start, leaving in people:
                    first = max(start or START, START)
                    last = min(leaving or END, END)
                    if last < first:
                        continue
                    span = (last - first).days + 1
                    seen = set()
                    for course_pk in rng.choices(
                        course_ids, weights=course_weights, k=rng.randint(0, most)
                    ):
                        on = first + dt.timedelta(days=rng.randrange(span))
                        if (course_pk, on) in seen:
                            continue
                        seen.add((course_pk, on))
                        completions += 1
                        yield partnership.id, staff_pk, course_pk, on.isoformat(), "import"

            common.bulk_insert("training_completion", COMPLETION_COLUMNS, completion_rows())
    return {
        "partnership": partnership,
        "staff": staff_count,
        "teams": len(teams),
        "completions": completions,
    }


def _analyse() -> None:
    """Refresh the planner's statistics after a bulk load, as autovacuum would on PostgreSQL.

    SQLite keeps no statistics unless asked (and the app never asks), so it is left as a
    real installation would have it.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _rebuild_snapshots(partnership) -> float:
    """The trend's derived table, as an import would leave it."""
    from tiptracker.training.snapshots import coverage_snapshots_rebuild

    seconds, _ = common.timed(lambda: coverage_snapshots_rebuild(partnership_id=partnership.id))
    return seconds


def _exists(slug_or_prefix: str, *, prefix: bool = False) -> bool:
    from tiptracker.partnerships.models import Partnership

    if prefix:
        return Partnership.objects.filter(slug__startswith=slug_or_prefix).exists()
    return Partnership.objects.filter(slug=slug_or_prefix).exists()


def big(force: bool = False) -> None:
    if _exists(common.BIG) and not force:
        common.say(f"{common.BIG} is already there (use --force to regenerate)")
        return
    drop_partnership(common.BIG)
    seconds, made = common.timed(
        lambda: generate_partnership(
            slug=common.BIG,
            name="Bench Partnership (50,000 staff)",
            area="Benchshire",
            staff_count=BIG_STAFF,
            completions_per_staff=BIG_COMPLETIONS_PER_STAFF,
            seed=50_000,
        )
    )
    _analyse()
    rebuild = _rebuild_snapshots(made["partnership"])
    common.say(
        f"{common.BIG}: {made['staff']:,} staff, {made['teams']} teams, {made['completions']:,} completions "
        f"in {seconds:.1f} s ({(made['staff'] + made['completions']) / seconds:,.0f} rows/s); "
        f"trend snapshots rebuilt in {rebuild:.2f} s"
    )


def import_target(force: bool = False) -> None:
    if _exists(common.IMPORT_TARGET) and not force:
        common.say(f"{common.IMPORT_TARGET} is already there (use --force to regenerate)")
        return
    drop_partnership(common.IMPORT_TARGET)
    seconds, made = common.timed(
        lambda: generate_partnership(
            slug=common.IMPORT_TARGET,
            name="Bench Import Partnership",
            area="Importshire",
            staff_count=BIG_STAFF,
            completions_per_staff=0,
            seed=1_000_000,
            with_completions=False,
        )
    )
    _analyse()
    common.say(
        f"{common.IMPORT_TARGET}: {made['staff']:,} staff, 20 courses, no completions in {seconds:.1f} s"
    )


def national(force: bool = False) -> None:
    from tiptracker.partnerships.models import Partnership

    if _exists(common.NATIONAL_PREFIX, prefix=True):
        if not force:
            common.say("the national set is already there (use --force to regenerate)")
            return
        for slug in Partnership.objects.filter(slug__startswith=common.NATIONAL_PREFIX).values_list(
            "slug", flat=True
        ):
            drop_partnership(slug)
    population = sum(people for _area, people in AREAS)
    sizes = [round(NATIONAL_STAFF * people / population) for _area, people in AREAS]
    sizes[sizes.index(max(sizes))] += NATIONAL_STAFF - sum(sizes)  # exactly 500,000 in all
    started = time.perf_counter()
    staff = completions = 0
    rebuild = 0.0
    for index, ((area, _people), size) in enumerate(zip(AREAS, sizes, strict=True)):
        made = generate_partnership(
            slug=_slug(area),
            name=f"{area} Trauma Partnership",
            area=area,
            staff_count=size,
            completions_per_staff=NATIONAL_COMPLETIONS_PER_STAFF,
            seed=index,
        )
        staff += made["staff"]
        completions += made["completions"]
        common.say(f"  {_slug(area)}: {made['staff']:,} staff, {made['completions']:,} completions")
    seconds = time.perf_counter() - started
    _analyse()
    for partnership in Partnership.objects.filter(slug__startswith=common.NATIONAL_PREFIX):
        rebuild += _rebuild_snapshots(partnership)
    common.say(
        f"national: 32 partnerships, {staff:,} staff, {completions:,} completions in {seconds:.0f} s "
        f"({(staff + completions) / seconds:,.0f} rows/s); trend snapshots rebuilt in {rebuild:.1f} s"
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=["big", "national", "import-target", "all"])
    parser.add_argument(
        "--force", action="store_true", help="drop and regenerate what is already there"
    )
    args = parser.parse_args(argv)
    common.setup()
    common.heading("Generating")
    if args.what in ("big", "all"):
        big(args.force)
    if args.what in ("import-target", "all"):
        import_target(args.force)
    if args.what in ("national", "all"):
        national(args.force)


if __name__ == "__main__":
    main(sys.argv[1:])
