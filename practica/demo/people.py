"""Synthetic people and places for generated clinics.

The names are common given names and surnames of Canada's communities, combined
at random: no row describes a real person. Phone numbers use the 555-01xx range
reserved for fiction; email addresses use the reserved example.com domain.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from practica.patients.search import tokens

FEMALE_NAMES = (
    "Emma",
    "Olivia",
    "Charlotte",
    "Amelia",
    "Sophia",
    "Chloé",
    "Zoé",
    "Mélanie",
    "Léa",
    "Émilie",
    "Camille",
    "Gabrielle",
    "Noémie",
    "Sarah",
    "Jessica",
    "Jennifer",
    "Michelle",
    "Ashley",
    "Hannah",
    "Ava",
    "Isabelle",
    "Madison",
    "Priya",
    "Ananya",
    "Harpreet",
    "Simran",
    "Aisha",
    "Fatima",
    "Mei",
    "Xin",
    "Yuki",
    "Ji-woo",
    "Linh",
    "Maria",
    "Ana",
    "Sofia",
    "Giulia",
    "Francesca",
    "Agnieszka",
    "Olena",
    "Amara",
    "Chidinma",
    "Keisha",
    "Nadia",
    "Leila",
    "Yasmin",
    "Hodan",
    "Grace",
    "Margaret",
    "Dorothy",
    "Joan",
    "Evelyn",
    "Patricia",
    "Linda",
    "Susan",
    "Karen",
    "Nicole",
    "Stéphanie",
    "Geneviève",
    "Marie-Ève",
    "Anne-Marie",
    "Josée",
    "Hélène",
    "Rosalie",
    "Maëlle",
    "Aurora",
    "Chantal",
    "Rebecca",
    "Lauren",
    "Megan",
    "Tanvi",
    "Mariam",
    "Lucía",
    "Kateryna",
)
MALE_NAMES = (
    "Liam",
    "Noah",
    "William",
    "Lucas",
    "Benjamin",
    "Oliver",
    "Ethan",
    "James",
    "Jacob",
    "Logan",
    "Félix",
    "François",
    "Mathieu",
    "Étienne",
    "Jérôme",
    "Olivier",
    "Jean-François",
    "Marc-André",
    "Louis",
    "Samuel",
    "Gabriel",
    "Raj",
    "Arjun",
    "Gurpreet",
    "Harjit",
    "Mohammed",
    "Omar",
    "Yusuf",
    "Ahmed",
    "Wei",
    "Jun",
    "Hiroshi",
    "Min-jun",
    "Minh",
    "João",
    "Carlos",
    "Diego",
    "Marco",
    "Luca",
    "Piotr",
    "Tomasz",
    "Andriy",
    "Dmytro",
    "Chinedu",
    "Kwame",
    "Andre",
    "Daniel",
    "Michael",
    "David",
    "Robert",
    "John",
    "Richard",
    "Thomas",
    "Paul",
    "Kevin",
    "Brian",
    "Jason",
    "Ryan",
    "Tyler",
    "Nathan",
    "Zachary",
    "Hamza",
    "Ibrahim",
    "Abdirahman",
    "Raphaël",
    "Théo",
    "Hugo",
    "Vikram",
    "Sebastián",
    "Graham",
    "Colin",
    "Malcolm",
)
SURNAMES = (
    "Smith",
    "Tremblay",
    "Gagnon",
    "Roy",
    "Côté",
    "Bouchard",
    "Gauthier",
    "Morin",
    "Lavoie",
    "Fortin",
    "Gagné",
    "Ouellet",
    "Pelletier",
    "Bélanger",
    "Lévesque",
    "Bergeron",
    "Leblanc",
    "Paquette",
    "Girard",
    "Simard",
    "Boucher",
    "Caron",
    "Beaulieu",
    "Cloutier",
    "Dubé",
    "Poirier",
    "Fournier",
    "Lapointe",
    "Leclerc",
    "Lefebvre",
    "Poulin",
    "Thibault",
    "St-Pierre",
    "Nadeau",
    "Martin",
    "Landry",
    "Brown",
    "Wilson",
    "MacDonald",
    "Taylor",
    "Campbell",
    "Anderson",
    "Thompson",
    "Johnson",
    "Williams",
    "Jones",
    "Miller",
    "Stewart",
    "Robertson",
    "MacLeod",
    "Murray",
    "Fraser",
    "Young",
    "King",
    "Scott",
    "Clark",
    "White",
    "Lee",
    "Wong",
    "Chen",
    "Li",
    "Wang",
    "Zhang",
    "Liu",
    "Chan",
    "Ng",
    "Lam",
    "Tran",
    "Nguyen",
    "Pham",
    "Kim",
    "Park",
    "Patel",
    "Singh",
    "Sharma",
    "Gill",
    "Sandhu",
    "Dhillon",
    "Grewal",
    "Khan",
    "Ahmed",
    "Ali",
    "Hussain",
    "Siddiqui",
    "Mohamed",
    "Hassan",
    "Abdi",
    "Santos",
    "Reyes",
    "Cruz",
    "Garcia",
    "Dela Cruz",
    "Fernandes",
    "Silva",
    "Costa",
    "Rossi",
    "Russo",
    "Esposito",
    "Romano",
    "Ricci",
    "Kowalski",
    "Nowak",
    "Wiśniewski",
    "Kovalenko",
    "Shevchenko",
    "Melnyk",
    "Bondarenko",
    "O'Brien",
    "O'Connor",
    "Murphy",
    "Kelly",
    "Ryan",
    "Sullivan",
    "Johnston",
    "Okafor",
    "Adeyemi",
    "Mensah",
    "Osei",
    "Baptiste",
    "Joseph",
    "Pierre",
    "Charles",
    "Gordon",
    "Persaud",
    "Ramsaran",
    "Chowdhury",
    "Rahman",
    "Haddad",
    "Khoury",
    "Nassar",
    "Yilmaz",
    "Cohen",
    "Friedman",
    "Goldberg",
    "Papadopoulos",
    "Georgiou",
    "Kaur",
    "Bhatt",
    "Iyer",
    "Menon",
    "Nair",
    "Reddy",
    "Desai",
    "Mehta",
    "Shah",
    "Campbell-Brown",
    "Smith-Jones",
    "Lévesque-Roy",
    "Tremblay-Gagnon",
    "Okafor-Mensah",
    "García-López",
)
LANGUAGES = (
    ("English", 70),
    ("French", 10),
    ("Mandarin", 4),
    ("Cantonese", 3),
    ("Punjabi", 4),
    ("Tagalog", 3),
    ("Spanish", 2),
    ("Portuguese", 2),
    ("Arabic", 2),
)


@dataclass(frozen=True)
class Street:
    name: str
    city: str
    postal_prefix: str


STREETS = (
    Street("Queen St W", "Toronto", "M6J"),
    Street("King St E", "Toronto", "M5A"),
    Street("Bloor St W", "Toronto", "M6G"),
    Street("Dundas St W", "Toronto", "M6P"),
    Street("Danforth Ave", "Toronto", "M4K"),
    Street("College St", "Toronto", "M6H"),
    Street("Eglinton Ave E", "Toronto", "M4P"),
    Street("Bathurst St", "Toronto", "M5R"),
    Street("Pape Ave", "Toronto", "M4M"),
    Street("Hurontario St", "Mississauga", "L5B"),
    Street("Burnhamthorpe Rd W", "Mississauga", "L5C"),
    Street("Lakeshore Rd E", "Mississauga", "L5G"),
    Street("Erin Mills Pkwy", "Mississauga", "L5L"),
    Street("Main St N", "Brampton", "L6V"),
    Street("Steeles Ave E", "Brampton", "L6T"),
    Street("Trafalgar Rd", "Oakville", "L6H"),
    Street("Highway 7", "Markham", "L3R"),
    Street("Rutherford Rd", "Vaughan", "L4K"),
)
# 416/647/437 ring in Toronto, 905/289/365 around it.
AREA_CODES = ("416", "647", "437", "905", "289", "365")
_POSTAL_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    sex: str
    date_of_birth: datetime.date
    email: str
    phone: str
    street: str
    city: str
    postal_code: str
    preferred_language: str
    emergency_contact_name: str
    emergency_contact_phone: str
    has_email_consent: bool
    has_sms_consent: bool


def ascii_slug(text: str) -> str:
    """'Zoé' -> 'zoe', "O'Brien" -> 'obrien': for synthetic email addresses."""
    return "".join(tokens(text))


def fictional_phone(rng: random.Random) -> str:
    return f"+1{rng.choice(AREA_CODES)}5550{rng.randint(100, 199)}"


def _postal_code(rng: random.Random, prefix: str) -> str:
    letters = _POSTAL_LETTERS
    return f"{prefix} {rng.randint(1, 9)}{rng.choice(letters)}{rng.randint(0, 9)}"


def _date_of_birth(rng: random.Random, today: datetime.date) -> datetime.date:
    # Mostly working-age adults, some children and many older adults (foot care).
    age = rng.choices(
        [
            rng.randint(4, 17),
            rng.randint(18, 39),
            rng.randint(40, 64),
            rng.randint(65, 94),
        ],
        weights=[8, 34, 36, 22],
    )[0]
    return today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))


def make_person(rng: random.Random, *, today: datetime.date, number: int) -> Person:
    """One synthetic patient; `number` keeps email addresses distinct."""
    sex = rng.choices(["female", "male", "other"], weights=[54, 45, 1])[0]
    names = FEMALE_NAMES if sex == "female" else MALE_NAMES
    if sex == "other":
        names = rng.choice((FEMALE_NAMES, MALE_NAMES))
    first = rng.choice(names)
    last = rng.choice(SURNAMES)
    street = rng.choice(STREETS)
    has_email = rng.random() < 0.9
    phone = fictional_phone(rng)
    contact_first = rng.choice(rng.choice((FEMALE_NAMES, MALE_NAMES)))
    contact_last = last if rng.random() < 0.7 else rng.choice(SURNAMES)
    return Person(
        first_name=first,
        last_name=last,
        sex=sex,
        date_of_birth=_date_of_birth(rng, today),
        email=(
            f"{ascii_slug(first)}.{ascii_slug(last)}{number}@example.com"
            if has_email
            else ""
        ),
        phone=phone,
        street=f"{rng.randint(1, 2999)} {street.name}",
        city=street.city,
        postal_code=_postal_code(rng, street.postal_prefix),
        preferred_language=rng.choices(
            [lang for lang, _ in LANGUAGES], weights=[w for _, w in LANGUAGES]
        )[0],
        emergency_contact_name=f"{contact_first} {contact_last}",
        emergency_contact_phone=fictional_phone(rng),
        has_email_consent=has_email and rng.random() < 0.8,
        has_sms_consent=rng.random() < 0.7,
    )
