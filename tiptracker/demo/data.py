"""What the demo partnership is made of: organisations, teams and their training need,
courses, sessions, names and the shape of the roll-out over time.

Everything here is synthetic. Names are common first and last names combined at random,
so no record is a real person; the third-sector partners have invented names so that no
real charity is shown with made-up training figures. The figures the Dundee board report
quotes (87 at the launch webinar, 141 managers at the April and May 2022 briefings) are
reproduced exactly by the loader.
"""

import datetime as dt
from dataclasses import dataclass

from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Organisation

SLUG = "dundee"
NAME = "Dundee Health and Social Care Partnership"
SEED = 2022
# The last day of the synthetic HR history (starters and leavers). Fixed, rather than
# today, so that the past comes out the same whichever day the demo is loaded.
HR_HISTORY_ENDS = dt.date(2026, 6, 30)

INFORMED, SKILLED, ENHANCED, SPECIALIST = (
    Level.INFORMED,
    Level.SKILLED,
    Level.ENHANCED,
    Level.SPECIALIST,
)
CYP, MH, SU = "cyp", "mental_health", "substance_use"
COUNCIL, NHS, HSCP, THIRD = (
    Organisation.Kind.COUNCIL, Organisation.Kind.NHS_BOARD, Organisation.Kind.HSCP, Organisation.Kind.THIRD_SECTOR,
)  # fmt: skip


@dataclass(frozen=True)
class TeamSpec:
    name: str
    level: Level  # the training needs analysis
    size: int
    manager_title: str
    titles: tuple[str, ...]
    # Which topic module of the Trauma Skilled e-learning suits the team, if any.
    topic: str = ""


@dataclass(frozen=True)
class OrganisationSpec:
    name: str
    kind: str
    prefix: str  # of the staff_id, e.g. DCC00001
    teams: tuple[TeamSpec, ...]


T = TeamSpec
# fmt: off
ORGANISATIONS: tuple[OrganisationSpec, ...] = (
    OrganisationSpec("Dundee City Council", COUNCIL, "DCC", (
        T("Housing Options", SKILLED, 90, "Housing Options Team Leader", ("Housing Options Officer", "Homelessness Caseworker", "Customer Adviser")),
        T("Housing Support", SKILLED, 110, "Housing Support Co-ordinator", ("Housing Support Worker", "Tenancy Sustainment Officer")),
        T("Children and Families: Duty and Assessment", ENHANCED, 70, "Team Manager", ("Social Worker", "Social Care Officer", "Senior Social Worker"), CYP),
        T("Children and Families: Looked After Children", ENHANCED, 80, "Team Manager", ("Social Worker", "Family Support Worker", "Senior Social Worker"), CYP),
        T("Residential Children's Houses", ENHANCED, 90, "Unit Manager", ("Residential Child Care Worker", "Senior Residential Worker"), CYP),
        T("Community Justice Service", ENHANCED, 75, "Team Manager", ("Justice Social Worker", "Community Payback Supervisor", "Social Work Assistant")),
        T("Educational Psychology Service", SPECIALIST, 20, "Principal Educational Psychologist", ("Educational Psychologist", "Trainee Educational Psychologist"), CYP),
        T("Early Learning and Childcare", SKILLED, 300, "Nursery Head", ("Early Years Practitioner", "Early Years Support Worker", "Nursery Teacher"), CYP),
        T("Secondary Schools: Pupil Support", SKILLED, 150, "Principal Teacher of Pupil Support", ("Pupil Support Teacher", "Pupil Support Assistant", "Home-School Link Worker"), CYP),
        T("Youth Work", SKILLED, 60, "Youth Work Co-ordinator", ("Youth Worker", "Senior Youth Worker"), CYP),
        T("Customer Services", INFORMED, 200, "Customer Services Supervisor", ("Customer Services Adviser", "Contact Centre Agent")),
        T("Neighbourhood Services", INFORMED, 250, "Neighbourhood Services Supervisor", ("Environmental Operative", "Neighbourhood Officer", "Estate Caretaker")),
        T("Libraries and Community Learning", INFORMED, 120, "Area Library Manager", ("Library Assistant", "Community Learning Worker", "Librarian")),
        T("Revenues and Benefits", INFORMED, 150, "Benefits Team Leader", ("Benefits Assessor", "Revenues Officer", "Welfare Rights Adviser")),
        T("Learning and Organisational Development", SKILLED, 25, "Learning and Development Manager", ("Learning and Development Adviser", "Organisational Development Officer")),
    )),
    OrganisationSpec("NHS Tayside", NHS, "NHST", (
        T("Ninewells Emergency Department", SKILLED, 150, "Senior Charge Nurse", ("Staff Nurse", "Emergency Nurse Practitioner", "Healthcare Support Worker", "Clinical Fellow")),
        T("Ward 4: Acute Medicine", INFORMED, 60, "Senior Charge Nurse", ("Staff Nurse", "Healthcare Support Worker")),
        T("Ward 7: General Surgery", INFORMED, 60, "Senior Charge Nurse", ("Staff Nurse", "Healthcare Support Worker")),
        T("Ward 12: Orthopaedics", INFORMED, 55, "Senior Charge Nurse", ("Staff Nurse", "Healthcare Support Worker", "Physiotherapist")),
        T("Ward 21: Medicine for the Elderly", INFORMED, 60, "Senior Charge Nurse", ("Staff Nurse", "Healthcare Support Worker")),
        T("Carseview Centre: Adult Mental Health Inpatients", ENHANCED, 110, "Senior Charge Nurse", ("Mental Health Nurse", "Healthcare Support Worker", "Occupational Therapist"), MH),
        T("Community Mental Health Team (East)", ENHANCED, 45, "Team Lead", ("Community Psychiatric Nurse", "Mental Health Officer", "Support Worker"), MH),
        T("Community Mental Health Team (West)", ENHANCED, 45, "Team Lead", ("Community Psychiatric Nurse", "Mental Health Officer", "Support Worker"), MH),
        T("Tayside Substance Use Service", ENHANCED, 60, "Service Manager", ("Addictions Nurse", "Recovery Worker", "Non-Medical Prescriber"), SU),
        T("Child and Adolescent Mental Health Service", ENHANCED, 60, "Team Lead", ("Mental Health Practitioner", "Clinical Nurse Specialist", "Family Therapist"), CYP),
        T("Health Visiting", SKILLED, 70, "Health Visiting Team Leader", ("Health Visitor", "Community Staff Nurse", "Nursery Nurse"), CYP),
        T("School Nursing", SKILLED, 35, "School Nursing Team Leader", ("School Nurse", "Community Staff Nurse"), CYP),
        T("Maternity Services", SKILLED, 140, "Midwifery Team Leader", ("Midwife", "Maternity Care Assistant")),
        T("Sexual Health Service", SKILLED, 40, "Clinical Lead", ("Sexual Health Nurse", "Health Adviser")),
        T("Adult Psychological Therapies", SPECIALIST, 30, "Consultant Clinical Psychologist", ("Clinical Psychologist", "Counselling Psychologist", "Cognitive Behavioural Therapist"), MH),
        T("Estates and Facilities", INFORMED, 250, "Facilities Supervisor", ("Domestic Assistant", "Porter", "Catering Assistant", "Maintenance Technician")),
        T("Outpatients Administration", INFORMED, 150, "Administration Manager", ("Medical Secretary", "Clerical Officer", "Receptionist")),
        T("Pharmacy", INFORMED, 80, "Lead Pharmacist", ("Pharmacist", "Pharmacy Technician", "Pharmacy Support Worker")),
    )),
    OrganisationSpec("Dundee Health and Social Care Partnership", HSCP, "DHSCP", (
        T("Older People Services: Care at Home", SKILLED, 350, "Home Care Organiser", ("Social Care Worker", "Social Care Officer", "Overnight Carer")),
        T("Older People Services: Care Homes", SKILLED, 180, "Care Home Manager", ("Senior Care Assistant", "Care Assistant", "Activities Co-ordinator")),
        T("Learning Disability Service", SKILLED, 120, "Service Manager", ("Support Worker", "Community Learning Disability Nurse", "Day Opportunities Worker")),
        T("Drug and Alcohol Recovery Service", ENHANCED, 80, "Team Leader", ("Recovery Worker", "Social Worker", "Non-Medical Prescriber"), SU),
        T("Adult Social Work: Community Care", SKILLED, 90, "Team Manager", ("Social Worker", "Social Work Assistant", "Occupational Therapist")),
        T("Mental Health Social Work", ENHANCED, 40, "Team Manager", ("Mental Health Officer", "Social Worker"), MH),
        T("Physical Disability Service", INFORMED, 60, "Service Manager", ("Support Worker", "Occupational Therapy Assistant")),
        T("Carers Support Service", SKILLED, 25, "Carers Service Lead", ("Carers Support Worker",)),
        T("District Nursing", INFORMED, 150, "District Nursing Team Leader", ("District Nurse", "Community Staff Nurse", "Healthcare Support Worker")),
        T("Occupational Therapy and Rehabilitation", INFORMED, 80, "Rehabilitation Lead", ("Occupational Therapist", "Physiotherapist", "Rehabilitation Assistant")),
        T("Business Support", INFORMED, 70, "Business Support Manager", ("Business Support Officer", "Administrator")),
        T("Primary Care Psychological Therapies", SPECIALIST, 15, "Lead Psychologist", ("Clinical Psychologist", "Psychological Therapist"), MH),
    )),
    OrganisationSpec("Dundee Voluntary Action Network", THIRD, "DVAN", (
        T("Volunteer Centre", INFORMED, 40, "Volunteer Centre Manager", ("Volunteer Co-ordinator", "Development Worker")),
        T("Community Connectors", SKILLED, 30, "Community Connectors Lead", ("Community Connector", "Link Worker")),
    )),
    OrganisationSpec("Tay Women's Aid Collective", THIRD, "TWAC", (
        T("Refuge and Outreach", ENHANCED, 35, "Service Co-ordinator", ("Outreach Worker", "Refuge Support Worker")),
        T("Children and Young People's Service", ENHANCED, 20, "Children's Service Co-ordinator", ("Children's Worker", "Young People's Worker"), CYP),
    )),
    OrganisationSpec("Hilltown Futures", THIRD, "HTF", (
        T("Supported Housing", SKILLED, 120, "Project Manager", ("Housing Support Worker", "Night Support Worker")),
        T("Employability", INFORMED, 60, "Employability Manager", ("Employability Adviser", "Job Coach")),
    )),
    OrganisationSpec("Tay Recovery Community", THIRD, "TRC", (
        T("Peer Recovery Workers", SKILLED, 50, "Peer Recovery Lead", ("Peer Recovery Worker", "Recovery Mentor"), SU),
        T("Recovery Cafe", INFORMED, 25, "Cafe Manager", ("Cafe Volunteer Co-ordinator", "Community Worker"), SU),
    )),
)
# fmt: on

# One manager per this many staff in a team (at least one per team).
STAFF_PER_MANAGER = 8
# The post the Scottish Government allocation funds (report, 4.2.2): the demo's L&D officer.
LD_OFFICER_TEAM = "Learning and Organisational Development"
LD_OFFICER_TITLE = "Trauma Learning and Development Officer"

FIRST_NAMES = (
    "Aileen", "Alan", "Alison", "Andrew", "Angela", "Callum", "Catriona", "Claire", "Colin", "Craig",
    "David", "Derek", "Eilidh", "Elaine", "Euan", "Fiona", "Fraser", "Gillian", "Gordon", "Graeme",
    "Hamish", "Heather", "Iain", "Isla", "Jamie", "Jennifer", "Karen", "Kirsty", "Lorna", "Mairi",
    "Marion", "Morag", "Neil", "Niamh", "Rhona", "Ross", "Ruaridh", "Shona", "Stuart", "Yvonne",
)  # fmt: skip
LAST_NAMES = (
    "Anderson", "Baird", "Bell", "Brown", "Cameron", "Campbell", "Crawford", "Davidson", "Duncan", "Ferguson",
    "Fraser", "Gibson", "Graham", "Grant", "Hamilton", "Henderson", "Hunter", "Johnston", "Kerr", "Kennedy",
    "Lindsay", "MacDonald", "MacKenzie", "Martin", "McGregor", "McIntosh", "Millar", "Mitchell", "Morrison", "Murray",
    "Paterson", "Reid", "Robertson", "Ross", "Scott", "Simpson", "Smith", "Stewart", "Thomson", "Watson",
)  # fmt: skip


@dataclass(frozen=True)
class CourseSpec:
    code: str
    title: str
    level: Level
    delivery: str
    provider: str


NES = "NHS Education for Scotland"
STEERING_GROUP = "Dundee Trauma Steering Group"

OPENING_DOORS = "OPEN-DOORS"
SOWING_SEEDS = "SOWING-SEEDS"
WEBINAR = "BTI-WEBINAR"
BRIEFING = "MGR-BRIEFING"
SKILLED_MODULE = "TS-EMODULE"
STILT = "STILT"
SAFETY_STABILISATION = "SAFE-STAB"
PHASED_THERAPY = "SPEC-PHASED"
TOPIC_MODULES = {CYP: "TS-CYP", MH: "TS-MH", SU: "TS-SU"}

# fmt: off
COURSES: tuple[CourseSpec, ...] = (
    CourseSpec(OPENING_DOORS, "Opening Doors: trauma informed practice for the workforce (animation)", INFORMED, "e-learning", NES),
    CourseSpec(SOWING_SEEDS, "Sowing Seeds: trauma informed practice with children and young people", INFORMED, "face-to-face", NES),
    CourseSpec(WEBINAR, "Becoming Trauma Informed: launch webinar", INFORMED, "webinar", STEERING_GROUP),
    # A 90-minute briefing on the implementation plan and the manager toolkit. It raises
    # awareness; it does not teach the Trauma Skilled outcomes (the e-module does), so it
    # counts at Trauma Informed and does not inflate managers' skilled coverage.
    CourseSpec(BRIEFING, "Trauma-informed manager briefing", INFORMED, "webinar", STEERING_GROUP),
    CourseSpec(SKILLED_MODULE, "Developing your trauma skilled practice (Trauma Skilled e-module)", SKILLED, "e-learning", NES),
    CourseSpec(TOPIC_MODULES[CYP], "Trauma skilled practice with children and young people", SKILLED, "e-learning", NES),
    CourseSpec(TOPIC_MODULES[MH], "Trauma skilled practice in mental health services", SKILLED, "e-learning", NES),
    CourseSpec(TOPIC_MODULES[SU], "Trauma skilled practice in substance use services", SKILLED, "e-learning", NES),
    # STILT teaches leaders to lead trauma-informed organisations; it teaches no
    # interventions, so it cannot stand for Trauma Enhanced practice. It assumes and extends
    # the Trauma Skilled knowledge, so it counts at skilled.
    CourseSpec(STILT, "Scottish Trauma Informed Leaders Training (STILT)", SKILLED, "blended", NES),
    CourseSpec(SAFETY_STABILISATION, "Safety and Stabilisation", ENHANCED, "face-to-face", "NHS Tayside Psychology"),
    CourseSpec(PHASED_THERAPY, "Phase-based psychological therapy for complex trauma", SPECIALIST, "face-to-face", NES),
)
# fmt: on

# The roll-out over time: for each level, points (day, share of the people who need that
# level who have completed it by then), read as a cumulative distribution. Informed rises
# from nothing in 2021 to a majority by the end of 2022; skilled follows the mapping of need
# in spring 2022; enhanced waits for Safety and Stabilisation places; most specialists
# trained before the programme began.
D = dt.date
# fmt: off
ROLLOUT: dict[Level, tuple[tuple[dt.date, float], ...]] = {
    INFORMED: ((D(2021, 3, 1), 0.0), (D(2021, 11, 30), 0.03), (D(2022, 2, 28), 0.10), (D(2022, 6, 30), 0.36),
               (D(2022, 12, 31), 0.56), (D(2023, 12, 31), 0.68), (D(2024, 12, 31), 0.74), (D(2026, 12, 31), 0.80)),
    SKILLED: ((D(2021, 9, 1), 0.0), (D(2022, 3, 31), 0.05), (D(2022, 6, 30), 0.16), (D(2022, 12, 31), 0.36),
              (D(2023, 12, 31), 0.52), (D(2024, 12, 31), 0.61), (D(2026, 12, 31), 0.68)),
    ENHANCED: ((D(2021, 1, 1), 0.0), (D(2022, 6, 30), 0.05), (D(2022, 12, 31), 0.14), (D(2023, 12, 31), 0.30),
               (D(2024, 12, 31), 0.40), (D(2026, 12, 31), 0.48)),
    SPECIALIST: ((D(2015, 1, 1), 0.0), (D(2021, 1, 1), 0.45), (D(2022, 12, 31), 0.65), (D(2026, 12, 31), 0.78)),
}
# fmt: on

# Sessions ---------------------------------------------------------------------------------

ONLINE = "https://meet.example.org/dundee-trauma"
VENUE = "Dundee House, Training Suite"
EVERYONE = "Everyone in the Dundee partnership"
MANAGERS = "Managers in every partner organisation"
LEADERS = "Senior managers and service leads"
CYP_STAFF = "Staff working with children and young people"
ENHANCED_STAFF = "Staff in Trauma Enhanced teams"
OFFICER = LD_OFFICER_TITLE
PSYCHOLOGY = "NHS Tayside Psychology"

# The launch of the 'Becoming Trauma Informed' materials. The report gives no date; it puts
# the launch in the first phase of the 2021 roll-out and counts its 87 attendees in the
# six months it reports on (from 1 December 2021); the demo's plan booked it for December
# and completed the launch action on 10 December 2021.
WEBINAR_DAY = dt.date(2021, 12, 8)
# How the 87 who attended spread over the organisation kinds (the report: across the HSCP,
# the council, NHS Tayside and the third sector).
WEBINAR_ATTENDED_BY_KIND = {HSCP: 31, COUNCIL: 27, NHS: 18, THIRD: 11}
# People who booked the webinar but did not come, or left early: history, not attendance.
WEBINAR_NO_SHOWS = 6
WEBINAR_PARTLY = 3

# The manager briefings of April and May 2022: (day, managers who attended). 141 in all.
BRIEFINGS = (
    (dt.date(2022, 4, 7), 20), (dt.date(2022, 4, 20), 21), (dt.date(2022, 4, 28), 20), (dt.date(2022, 5, 4), 22),
    (dt.date(2022, 5, 12), 19), (dt.date(2022, 5, 18), 20), (dt.date(2022, 5, 26), 19),
)  # fmt: skip
BRIEFING_CAPACITY = 25
# Managers who missed (or left part-way through) an early briefing and came to a later one,
# so they are among the 141 and the report's figure holds however attendance is counted.
BRIEFING_NO_SHOWS = 9
BRIEFING_PARTLY = 4


@dataclass(frozen=True)
class Slot:
    """A kind of session: the course, its hours and places, who it is for and who runs it."""

    course: str
    start: str
    end: str
    capacity: int
    audience: str
    facilitator: str
    online: bool = False


@dataclass(frozen=True)
class PastSession:
    slot: Slot
    day: dt.date
    attended: int
    no_shows: int
    partly: int
    who: str  # who comes: an audience the loader's `_fits` knows


@dataclass(frozen=True)
class UpcomingSession:
    slot: Slot
    days_ahead: int  # after the day of the load, moved on to a Tuesday, Wednesday or Thursday
    booked: int
    waiting: int  # more than zero only when booked == capacity: a full session
    who: str


# fmt: off
WEBINAR_SLOT = Slot(WEBINAR, "12:30", "13:45", 100, EVERYONE, STEERING_GROUP, online=True)
BRIEFING_SLOT = Slot(BRIEFING, "14:00", "15:30", BRIEFING_CAPACITY, MANAGERS, STEERING_GROUP, online=True)
SOWING_SEEDS_SLOT = Slot(SOWING_SEEDS, "09:30", "11:30", 20, CYP_STAFF, OFFICER)
STABILISATION_SLOT = Slot(SAFETY_STABILISATION, "09:30", "16:00", 12, ENHANCED_STAFF, PSYCHOLOGY)
STILT_SLOT = Slot(STILT, "09:30", "16:00", 16, LEADERS, NES)

# A few later sessions in the past, with the usual no-shows and early leavers.
PAST_SESSIONS = (
    PastSession(SOWING_SEEDS_SLOT, D(2022, 9, 14), attended=15, no_shows=2, partly=2, who="cyp"),
    PastSession(SOWING_SEEDS_SLOT, D(2022, 10, 12), attended=17, no_shows=1, partly=1, who="cyp"),
    PastSession(STABILISATION_SLOT, D(2022, 11, 9), attended=10, no_shows=1, partly=1, who="enhanced"),
    PastSession(STILT_SLOT, D(2023, 2, 7), attended=14, no_shows=2, partly=0, who="leaders"),
    PastSession(STABILISATION_SLOT, D(2023, 3, 15), attended=11, no_shows=1, partly=0, who="enhanced"),
)
# From next month. Safety and Stabilisation is full and has a waiting list, so booking it
# shows the waiting list.
UPCOMING_SESSIONS = (
    UpcomingSession(STABILISATION_SLOT, 21, booked=12, waiting=3, who="enhanced"),
    UpcomingSession(Slot(BRIEFING, "14:00", "15:30", 30, MANAGERS, STEERING_GROUP, online=True), 28, booked=8, waiting=0, who="briefing"),
    UpcomingSession(SOWING_SEEDS_SLOT, 35, booked=6, waiting=0, who="cyp"),
    UpcomingSession(WEBINAR_SLOT, 49, booked=14, waiting=0, who="informed"),
    UpcomingSession(STILT_SLOT, 63, booked=5, waiting=0, who="leaders"),
)
# fmt: on
