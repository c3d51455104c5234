"""Who gets booked: invented people, the charges they face and the agencies that bring them.

Everything here is made up and drawn from a seeded random generator. Names are chosen so
that ``nameparser`` reads every combination the sites print ("LAST, FIRST MIDDLE SUFFIX" and
"FIRST MIDDLE LAST SUFFIX") into exactly the parts the simulator generated; a test checks
that, so the ground truth never depends on a name the parser is bound to misread.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

MALE_FIRST = (
    "JAMES JOHN ROBERT MICHAEL WILLIAM DAVID RICHARD JOSEPH THOMAS CHARLES CHRISTOPHER DANIEL "
    "MATTHEW ANTHONY MARK DONALD STEVEN PAUL ANDREW JOSHUA KENNETH KEVIN BRIAN GEORGE TIMOTHY "
    "RONALD JASON EDWARD JEFFREY RYAN JACOB GARY NICHOLAS ERIC JONATHAN STEPHEN LARRY JUSTIN "
    "SCOTT BRANDON BENJAMIN SAMUEL GREGORY FRANK RAYMOND PATRICK DENNIS JERRY TYLER AARON JOSE "
    "HENRY DOUGLAS ADAM PETER NATHAN ZACHARY WALTER KYLE HAROLD CARL JEREMY KEITH ROGER GERALD "
    "ARTHUR TERRY SEAN LAWRENCE AUSTIN NOAH JESSE ALBERT BRYAN BILLY BRUCE WILLIE JORDAN DYLAN "
    "ALAN RALPH GABRIEL ROY JUAN WAYNE EUGENE LOGAN RANDY LOUIS RUSSELL VINCENT PHILIP BOBBY "
    "JOHNNY BRADLEY DEMARCUS TERRELL DESHAWN JAMAL TYRONE CEDRIC DERRICK REGINALD TRAVIS CODY "
    "DUSTIN COREY DEMETRIUS JAVONTE CORDARIUS QUINTON RODERICK KENDRICK LATRELL ANTONIO HECTOR "
    "MIGUEL CARLOS LUIS VINH MINH"
).split()
FEMALE_FIRST = (
    "MARY PATRICIA JENNIFER LINDA ELIZABETH BARBARA SUSAN JESSICA SARAH KAREN LISA NANCY BETTY "
    "SANDRA MARGARET ASHLEY KIMBERLY EMILY DONNA MICHELLE CAROL AMANDA MELISSA DEBORAH STEPHANIE "
    "REBECCA SHARON LAURA CYNTHIA AMY KATHLEEN ANGELA SHIRLEY BRENDA ANNA PAMELA NICOLE SAMANTHA "
    "KATHERINE CHRISTINE HELEN DEBRA RACHEL CAROLYN JANET MARIA CATHERINE HEATHER DIANE JULIE "
    "JOYCE VICTORIA RUTH VIRGINIA LAUREN KELLY CHRISTINA JOAN EVELYN JUDITH ANDREA HANNAH MEGAN "
    "CHERYL JACQUELINE MARTHA TERESA GLORIA SARA JANICE KATHRYN FRANCES ALICE JUDY JULIA AMBER "
    "DENISE DANIELLE MARILYN BEVERLY NATALIE THERESA DIANA BRITTANY DORIS KAYLA ALEXIS LORI "
    "TIFFANY LATOYA KEISHA SHONDA TAMEKA LATASHA MONIQUE KIARA AALIYAH SHAKIRA KEANDRA DESTINY "
    "CHELSEA MISTY"
).split()
MALE_MIDDLE = (
    "LEE RAY WAYNE JAMES EARL DEWAYNE LAMAR ALLEN EUGENE LOUIS JOSEPH EDWARD DALE GENE ANTWAN "
    "DEMOND JEROME LAMONT TYRONE MARQUIS KEITH SCOTT WADE TODD CARL DONNELL ALEXANDER MANUEL "
    "ANDRES DESHAWN JAMAL"
).split()
FEMALE_MIDDLE = (
    "LEE LYNN MARIE ANN NICOLE DENISE RENEE MICHELLE SHAE DAWN ELAINE SHANTEL LASHAE BROOKE "
    "DIANE ROSE JEAN LOUISE MONIQUE"
).split()
LAST = (
    "SMITH JOHNSON WILLIAMS BROWN JONES MILLER DAVIS WILSON ANDERSON TAYLOR THOMAS MOORE JACKSON "
    "MARTIN THOMPSON WHITE HARRIS CLARK LEWIS ROBINSON WALKER YOUNG ALLEN WRIGHT SCOTT GREEN BAKER "
    "ADAMS NELSON HILL CAMPBELL MITCHELL ROBERTS CARTER PHILLIPS EVANS TURNER TORRES PARKER "
    "COLLINS EDWARDS STEWART MORRIS MURPHY COOK ROGERS MORGAN COOPER PETERSON BAILEY REED KELLY "
    "HOWARD COX WARD RICHARDSON WATSON BROOKS WOOD BENNETT GRAY HUGHES PRICE SANDERS MYERS LONG "
    "ROSS FOSTER POWELL JENKINS PERRY RUSSELL SULLIVAN BELL COLEMAN BUTLER HENDERSON BARNES "
    "FISHER HAMILTON GRAHAM WALLACE WOODS COLE WEST OWENS REYNOLDS ELLIS HARRISON GIBSON MCDONALD "
    "MARSHALL ORTIZ GOMEZ MURRAY FREEMAN WELLS WEBB SIMPSON STEVENS TUCKER PORTER HUNTER HICKS "
    "CRAWFORD BOYD MASON KENNEDY WARREN DIXON RAMOS BURNS GORDON SHAW HOLMES RICE ROBERTSON HUNT "
    "BLACK DANIELS PALMER MILLS NICHOLS GRANT KNIGHT FERGUSON STONE HAWKINS DUNN PERKINS HUDSON "
    "SPENCER GARDNER STEPHENS PAYNE PIERCE BERRY MATTHEWS ARNOLD WAGNER WILLIS WATKINS CARROLL "
    "DUNCAN HART CUNNINGHAM BRADLEY LANE ANDREWS HARPER RILEY ARMSTRONG CARPENTER WEAVER GREENE "
    "ELLIOTT SIMS PETERS FRANKLIN LAWSON FIELDS CARR CASTILLO WHEELER CHAPMAN OLIVER MONTGOMERY "
    "RICHARDS WILLIAMSON JOHNSTON BANKS BISHOP MCCOY HOWELL MORRISON HARVEY LITTLE BURTON STANLEY "
    "NGUYEN JACOBS REID FULLER LYNCH DEAN GILBERT GARRETT WELCH FRAZIER BURKE HANSON MENDOZA "
    "BOWMAN FOWLER BREWER HOLLAND DOUGLAS FLEMING BYRD DAVIDSON HOPKINS HERRERA WALTERS CURTIS "
    "NEAL CALDWELL LOWE JENNINGS BARNETT GRAVES HORTON SHELTON BARRETT SUTTON MCKINNEY LUCAS MILES "
    "CRAIG CHAMBERS HOLT LAMBERT FLETCHER WATTS BATES HALE RHODES BECK NEWMAN HAYNES MCDANIEL "
    "VAUGHN PARKS DAWSON NORRIS HARDY STEELE CURRY POWERS BARKER PAGE BALL KELLER CHANDLER "
    "LEONARD WALSH RAMSEY WOLFE MULLINS BENSON SHARP BOWEN BARBER CUMMINGS HINES BALDWIN GRIFFITH "
    "HUBBARD REEVES WARNER STEVENSON BURGESS TATE CROSS GARNER MANN MOSS THORNTON MCGEE FARMER "
    "GLOVER MANNING HARMON ROBBINS NEWTON BLAIR HIGGINS INGRAM REESE STRICKLAND TOWNSEND POTTER "
    "GOODWIN WALTON HAMPTON PATTON ERICKSON HODGES CONNER ADKINS WEBSTER MALONE HAMMOND FLOWERS "
    "COBB MOODY BLAKE MAXWELL FLOYD OSBORNE GIBBS STOKES SAUNDERS GREER WATERS BALLARD MCBRIDE "
    "HOUSTON BRIGGS PARSONS BUCHANAN COPELAND PITTMAN HOLLOWAY BROCK POOLE BASS MARSH DRAKE "
    "JEFFERSON MORTON SPARKS NORTON CLAYTON MASSEY LLOYD CARSON BOWERS BARTON TRAN HARRINGTON "
    "BOONE MATHIS SINGLETON WILKINS UNDERWOOD BRIDGES NASH SUMMERS ATKINS BOUDREAUX NECAISE "
    "LADNER TOUCHSTONE DANTZLER HOLIFIELD MCLAURIN STRAHAN FORTENBERRY WALLEY PICKENS "
    "BRELAND-FOSTER ROBINSON-HUNT SMITH-JOHNSON OWENS-BRYANT HOLLINS-REED"
).split()
SUFFIXES = ("JR", "SR", "II", "III")

# Canonical race codes (the seed's) and how often each is drawn.
RACE_WEIGHTS = (("B", 52), ("W", 41), ("H", 4), ("AS", 1), ("AI", 1), ("NHPI", 0.2), ("O", 0.5),
                ("U", 0.5))

EYES = ("BRO", "BLU", "GRN", "HAZ", "BLK")
HAIR = ("BLK", "BRO", "BLN", "RED", "GRY")
STREETS = ("MAIN ST", "CHURCH ST", "PEACE ST", "OLD CANTON RD", "HIGHWAY 49", "PINE ST",
           "MLK DR", "COUNTY ROAD 12", "LIBERTY RD", "OAK GROVE RD", "SPRING ST", "COLLEGE AVE")


@dataclass(frozen=True)
class Offense:
    title: str
    statute: str
    felony: bool
    bond: Decimal
    fine: Decimal = Decimal("0.00")


def _offense(title, statute, felony, bond, fine="0.00"):
    return Offense(title, statute, felony, Decimal(bond), Decimal(fine))


# The offences, with the Mississippi code section a Madison-style sheet prints before the
# title and a typical bond. Weights make the common misdemeanours common.
OFFENSES = (
    (_offense("POSSESSION OF MARIJUANA", "41-29-139(c)(2)(A)", False, "500.00"), 8),
    (_offense("POSSESSION OF CONTROLLED SUBSTANCE", "41-29-139(c)(1)(A)", True, "5000.00"), 6),
    (_offense("POSSESSION OF METHAMPHETAMINE", "41-29-139(c)(1)(B)", True, "10000.00"), 5),
    (_offense("POSSESSION OF PARAPHERNALIA, MISD", "41-29-139(d)(1)", False, "250.00"), 4),
    (_offense("SALE OF CONTROLLED SUBSTANCE", "41-29-139(a)(1)", True, "50000.00"), 2),
    (_offense("DUI 1ST OFFENSE", "63-11-30(1)(a)", False, "1000.00"), 8),
    (_offense("DUI 2ND OFFENSE", "63-11-30(2)(b)", False, "2500.00"), 3),
    (_offense("DRIVING WHILE LICENSE SUSPENDED", "63-1-69", False, "500.00"), 6),
    (_offense("NO INSURANCE", "63-15-4(2)", False, "500.00"), 4),
    (_offense("CARELESS DRIVING", "63-3-1213", False, "250.00"), 3),
    (_offense("NO DRIVERS LICENSE", "63-1-5", False, "300.00"), 3),
    (_offense("SHOPLIFTING", "97-23-93", False, "500.00"), 6),
    (_offense("PETIT LARCENY", "97-17-43", False, "1000.00"), 3),
    (_offense("GRAND LARCENY", "97-17-41", True, "5000.00"), 3),
    (_offense("BURGLARY OF A DWELLING", "97-17-23", True, "15000.00"), 3),
    (_offense("BURGLARY OF A VEHICLE", "97-17-33", True, "7500.00"), 2),
    (_offense("RECEIVING STOLEN PROPERTY", "97-17-70", True, "2500.00"), 2),
    (_offense("SIMPLE ASSAULT", "97-3-7(1)", False, "500.00"), 4),
    (_offense("DOMESTIC VIOLENCE SIMPLE ASSAULT", "97-3-7(3)", False, "1500.00"), 5),
    (_offense("AGGRAVATED ASSAULT", "97-3-7(2)", True, "25000.00"), 3),
    (_offense("ARMED ROBBERY", "97-3-79", True, "100000.00"), 1),
    (_offense("POSSESSION OF WEAPON BY FELON", "97-37-5", True, "10000.00"), 2),
    (_offense("DISORDERLY CONDUCT", "97-35-7", False, "300.00"), 4),
    (_offense("PUBLIC DRUNK", "97-29-47", False, "250.00"), 4),
    (_offense("RESISTING ARREST", "97-9-73", False, "500.00"), 3),
    (_offense("TRESPASSING", "97-17-97", False, "500.00"), 2),
    (_offense("CONTEMPT OF COURT", "9-1-17", False, "0.00", "300.00"), 4),
    (_offense("FAILURE TO APPEAR", "99-5-37", False, "1000.00"), 3),
    (_offense("PROBATION VIOLATION", "47-7-37", True, "0.00"), 3),
    (_offense("FALSE PRETENSE - BAD CHECK", "97-19-55", False, "2000.00"), 1),
    (_offense("EMBEZZLEMENT", "97-23-19", True, "5000.00"), 1),
    (_offense("MURDER", "97-3-19", True, "0.00"), 1),
)


@dataclass
class Person:
    number: int                 # jail-local, in order of first booking
    first: str
    middle: str | None
    last: str
    suffix: str | None
    sex: str                    # M / F
    race: str                   # canonical code
    dob: date
    street: str
    city: str
    height_in: int
    weight_lb: int
    eyes: str
    hair: str
    glasses: bool
    bookings: int = 0           # how many times this jail has booked the person so far

    def name_last_first(self) -> str:
        given = " ".join(p for p in (self.first, self.middle, self.suffix) if p)
        return f"{self.last}, {given}"

    def name_first_last(self) -> str:
        return " ".join(p for p in (self.first, self.middle, self.last, self.suffix) if p)

    def age_on(self, day: date) -> int:
        return day.year - self.dob.year - ((day.month, day.day) < (self.dob.month, self.dob.day))


@dataclass
class Charge:
    offense: Offense
    added_at: datetime          # the booking time, or later for a charge added in custody

    @property
    def title(self) -> str:
        return self.offense.title


@dataclass
class Booking:
    """One stay in one simulated jail. ``ids`` holds the identifiers the site prints
    (assigned by the site when the booking is created) and ``key`` the one the spec names
    as the booking's stable key."""

    seq: int                    # the jail's booking ordinal (every arrival counts)
    year_seq: int               # ordinal within the booking's local year
    person: Person
    person_booking: int         # 1 for the person's first booking here, 2 for the next...
    booked_at: datetime         # aware UTC, whole minutes
    arrested_on: date
    released_at: datetime       # aware UTC
    agency: str | None
    charges: list[Charge]
    ids: dict[str, str] = field(default_factory=dict)
    traits: dict[str, object] = field(default_factory=dict)   # per-site irregularities

    @property
    def key(self) -> str:
        return self.ids["key"]

    def in_custody(self, at: datetime) -> bool:
        return self.booked_at <= at < self.released_at

    def charges_at(self, at: datetime) -> list[Charge]:
        return [c for c in self.charges if c.added_at <= at]

    def bond_at(self, at: datetime) -> Decimal:
        return sum((c.offense.bond for c in self.charges_at(at)), Decimal("0.00"))

    def fine_at(self, at: datetime) -> Decimal:
        return sum((c.offense.fine for c in self.charges_at(at)), Decimal("0.00"))


def weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs)
    return rng.choices(values, weights=weights)[0]


def new_person(rng: random.Random, number: int, city: str, booked_on: date) -> Person:
    sex = "M" if rng.random() < 0.76 else "F"
    first = rng.choice(MALE_FIRST if sex == "M" else FEMALE_FIRST)
    middle = rng.choice(MALE_MIDDLE if sex == "M" else FEMALE_MIDDLE) if rng.random() < 0.8 else None
    if middle == first:
        middle = None
    suffix = rng.choice(SUFFIXES) if sex == "M" and rng.random() < 0.07 else None
    age_days = int(rng.triangular(18, 70, 27) * 365.25)
    return Person(
        number=number, first=first, middle=middle, last=rng.choice(LAST), suffix=suffix,
        sex=sex, race=weighted(rng, RACE_WEIGHTS),
        dob=booked_on - timedelta(days=age_days),
        street=f"{rng.randint(10, 9999)} {rng.choice(STREETS)}", city=city,
        height_in=rng.randint(60, 76) if sex == "M" else rng.randint(58, 70),
        weight_lb=rng.randint(130, 290) if sex == "M" else rng.randint(105, 240),
        eyes=rng.choice(EYES), hair=rng.choice(HAIR), glasses=rng.random() < 0.15,
    )


def draw_offenses(rng: random.Random, most: int) -> list[Offense]:
    count = 1
    while count < most and rng.random() < 0.42:
        count += 1
    chosen: list[Offense] = []
    while len(chosen) < count:
        offense = weighted(rng, OFFENSES)
        if offense not in chosen:
            chosen.append(offense)
    return chosen


def extra_offense(rng: random.Random, held: list[Charge]) -> Offense | None:
    have = {c.offense for c in held}
    for _ in range(10):
        offense = weighted(rng, OFFENSES)
        if offense not in have:
            return offense
    return None
