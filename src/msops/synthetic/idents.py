"""Identifiers of people (phones, vehicles, accounts...) and the ways officers write them down.

Each identifier is generated once per person in a canonical form; `written` renders it the way
one particular record holds it, so the same phone can be '07700 900123' in one force's return
and '+447700900123' in another's.
"""

from __future__ import annotations

import string
from random import Random

from unidecode import unidecode

# nationality: (calling code, national mobile prefixes, digits after the prefix)
MOBILES: dict[str, tuple[str, tuple[str, ...], int]] = {
    "UK": ("44", ("74", "75", "77", "78", "79"), 8),
    "Romanian": ("40", ("72", "73", "74", "75", "76"), 7),
    "Albanian": ("355", ("67", "68", "69"), 7),
    "Vietnamese": ("84", ("90", "91", "93", "96", "98"), 7),
    "Polish": ("48", ("50", "51", "60", "66", "69", "78"), 7),
    "Lithuanian": ("370", ("60", "61", "65", "68"), 6),
    "Slovak": ("421", ("90", "91", "94"), 7),
    "Chinese": ("86", ("135", "138", "139", "150", "186"), 8),
    "Nigerian": ("234", ("803", "806", "813", "816"), 7),
    "Bulgarian": ("359", ("87", "88", "89"), 7),
    "Hungarian": ("36", ("20", "30", "70"), 7),
    "Indian": ("91", ("98", "99", "97"), 8),
    "Pakistani": ("92", ("300", "321", "333", "345"), 7),
}
# nationality: (country code, BBAN pattern: A letter, 9 digit, X letter or digit)
IBAN_FORMATS: dict[str, tuple[str, str]] = {
    "Romanian": ("RO", "AAAA" + "X" * 16),
    "Polish": ("PL", "9" * 24),
    "Lithuanian": ("LT", "9" * 16),
    "Bulgarian": ("BG", "AAAA" + "9" * 6 + "X" * 8),
    "Albanian": ("AL", "9" * 8 + "X" * 16),
    "Slovak": ("SK", "9" * 20),
    "Hungarian": ("HU", "9" * 24),
}
EMAIL_DOMAINS: dict[str, tuple[str, ...]] = {
    "UK": ("gmail.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com"),
    "Romanian": ("yahoo.ro", "gmail.com", "yahoo.com"),
    "Polish": ("wp.pl", "onet.pl", "gmail.com"),
    "Bulgarian": ("abv.bg", "gmail.com"),
    "Chinese": ("qq.com", "163.com"),
    "Vietnamese": ("gmail.com", "yahoo.com.vn"),
}
PLATE_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"
ADVERT_WORDS = ("angel", "bella", "candy", "sweet", "hot", "sexy", "vip", "kitty", "honey", "baby")
JOB_WORDS = ("jobs", "work", "recruit", "staff", "agency", "labour", "hiring")


def phone(rng: Random, nationality: str) -> str:
    """A mobile number in E.164: a UK one mostly, the home country's sometimes."""
    home = nationality if nationality in MOBILES and rng.random() < 0.4 else "UK"
    code, prefixes, digits = MOBILES[home]
    rest = "".join(rng.choice(string.digits) for _ in range(digits))
    return f"+{code}{rng.choice(prefixes)}{rest}"


def vehicle(rng: Random) -> str:
    """A current-style British registration, e.g. 'AB12 CDE'."""
    year = rng.choice([*range(3, 18), *range(53, 68)])
    tail = "".join(rng.choice(PLATE_LETTERS.replace("O", "")) for _ in range(3))
    return f"{rng.choice(PLATE_LETTERS)}{rng.choice(PLATE_LETTERS)}{year:02d} {tail}"


def email(rng: Random, nationality: str, given: str, family: str, owner: str) -> str:
    """The person's own address: their name and a number that is theirs (`owner`: who they
    are), so two people with one name never share one, as a provider never issues an address
    twice."""
    local = _ascii(f"{given}{rng.choice('._')}{family}")
    _keep_stream(rng)
    domain = rng.choice(EMAIL_DOMAINS.get(nationality, ("gmail.com", "yahoo.com")))
    return f"{local}{owned_number(owner)}@{domain}"


def passport(rng: Random, nationality: str) -> str:
    if nationality == "UK":
        return _digits(rng, 9)
    if nationality in ("Romanian", "Lithuanian"):
        return _digits(rng, 8)
    if nationality == "Vietnamese":
        return rng.choice("BCN") + _digits(rng, 7)
    if nationality in ("Chinese", "Nigerian"):
        return ("E" if nationality == "Chinese" else "A") + _digits(rng, 8)
    return rng.choice(PLATE_LETTERS) + rng.choice(PLATE_LETTERS) + _digits(rng, 7)


def bank_account(rng: Random, nationality: str) -> str:
    """A UK sort code and account ('12-34-56 12345678'), or an IBAN from the home country."""
    if nationality in IBAN_FORMATS and rng.random() < 0.5:
        return _iban(rng, *IBAN_FORMATS[nationality])
    sort = _digits(rng, 6)
    return f"{sort[:2]}-{sort[2:4]}-{sort[4:]} {_digits(rng, 8)}"


def handle(rng: Random, given: str, sexual: bool, owner: str) -> str:
    """The person's own advert handle: a word, their given name and a number that is theirs
    (`owner`), so namesakes never share one (a site issues a handle once)."""
    words = ADVERT_WORDS if sexual else JOB_WORDS
    parts = [rng.choice(words), _ascii(given)] if sexual else [_ascii(given), rng.choice(words)]
    separator = rng.choice("._-")
    _keep_stream(rng, 0.5)
    return separator.join(parts) + owned_number(owner)


def owned_number(owner: str) -> str:
    """A number that belongs to `owner` (a person id of the ground truth, such as P000123-04
    or X00042): the same each time, and never the same for two ids (the id's letter and digits
    read as one number, then scrambled one-to-one so that it does not look like the id)."""
    digits = "".join(c for c in owner if c.isdigit())
    value = int(f"1{ord(owner[:1] or '0'):03d}{digits}")
    if value >= 10**12:
        raise ValueError(f"person id {owner!r} is too long to own a number")
    return str((value * 7_919 + 4_337) % 10**12)


def _keep_stream(rng: Random, numbered: float = 0.6) -> None:
    """The draws of the old name-derived number, kept so that every later draw of the same
    generator (and so the whole synthetic history, which the tests pin) stays the same."""
    if rng.random() < numbered:
        rng.randint(1, 99)


def written(rng: Random, kind: str, value: str) -> str:
    """One way a person might type the canonical identifier into a return."""
    if kind == "phone":
        return _written_phone(rng, value)
    if kind in ("vehicle", "postcode"):
        return rng.choice([value, value.replace(" ", ""), value.lower()])
    if kind == "email":
        return rng.choice([value, value, value.capitalize()])
    if kind == "bank_account" and value[:2].isalpha():
        return rng.choice([value, " ".join(value[i : i + 4] for i in range(0, len(value), 4))])
    if kind == "bank_account":
        flat = value.replace("-", "").replace(" ", "")
        return rng.choice([value, f"{flat[:6]} {flat[6:]}", flat])
    if kind == "advert_handle":
        return rng.choice([value, "@" + value])
    return value


def _written_phone(rng: Random, e164: str) -> str:
    if e164.startswith("+44"):
        national = "0" + e164[3:]
        forms = [
            f"{national[:5]} {national[5:]}",
            national,
            e164,
            f"+44 {e164[3:7]} {e164[7:]}",
            f"0044 {e164[3:7]} {e164[7:]}",
        ]
        return rng.choice(forms)
    code_len = next(n for n in (3, 2) if e164[1 : 1 + n] in {c for c, _, _ in MOBILES.values()})
    code, number = e164[1 : 1 + code_len], e164[1 + code_len :]
    grouped = " ".join(number[i : i + 3] for i in range(0, len(number), 3))
    return rng.choice([e164, f"+{code} {grouped}", f"00{code}{number}", f"00{code} {grouped}"])


def _iban(rng: Random, country: str, pattern: str) -> str:
    bban = "".join(_pattern_char(rng, p) for p in pattern)
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(numeric) % 97
    return f"{country}{check:02d}{bban}"


def _pattern_char(rng: Random, kind: str) -> str:
    if kind == "A":
        return rng.choice(string.ascii_uppercase)
    if kind == "9":
        return rng.choice(string.digits)
    return rng.choice(string.ascii_uppercase + string.digits)


def _digits(rng: Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _ascii(text: str) -> str:
    return "".join(c for c in unidecode(text).lower() if c.isalnum() or c in "._-")
