"""100 varied, realistic English sentences for the batch benchmark (news, business, travel, biography)."""

from __future__ import annotations

_SUBJECTS = [
    ("Apple", "Tim Cook", "Cupertino", "California", "on Monday"),
    ("Siemens", "Roland Busch", "Munich", "Germany", "last Thursday"),
    ("the World Health Organization", "Tedros Adhanom Ghebreyesus", "Geneva", "Switzerland", "in March"),
    ("Toyota", "Akio Toyoda", "Nagoya", "Japan", "on 3 October 2024"),
    ("Banco Santander", "Ana Botín", "Madrid", "Spain", "early next year"),
]

_TEMPLATES = [
    "{org} said {date} that it would open a new office in {city}.",
    "{person} flew to {city} to meet investors.",
    "Shares of {org} rose 4% after {person} announced record quarterly profits of $2.3 billion.",
    "The conference in {city}, {country}, drew more than 3,000 delegates {date}.",
    "According to a statement from {org}, {person} will step down at the end of the year.",
    "I moved to {city} in 2019 and have worked for {org} ever since.",
    "{person} told Reuters that {org} has no plans to leave {country}.",
    "Regulators in {country} fined {org} €40 million for breaching data protection rules.",
    "Tickets for the Coldplay concert in {city} sold out within twenty minutes {date}.",
    "{org} hired 1,200 engineers in {country} during the first half of the year.",
    "The mayor of {city} criticised {org} over its new headquarters.",
    "Last summer {person} gave a lecture at Oxford University about climate policy in {country}.",
    "{org}'s annual report, published {date}, lists revenue of $91 billion.",
    "Flights between {city} and New York were cancelled {date} because of the storm.",
    "{person}, who joined {org} in 2009, is expected to testify before the European Parliament.",
    "Analysts at Goldman Sachs expect {org} to cut about 5% of its workforce in {country}.",
    "The museum in {city} is free on the first Sunday of every month, {person} said.",
    "After the merger, {org} became the largest employer in {country}.",
    "{person} and Angela Merkel discussed trade at a dinner in Berlin {date}.",
    "Ada Lovelace, the English mathematician, is the subject of an exhibition in {city} funded by {org}.",
]


def sentences() -> list[str]:
    out = []
    for index, template in enumerate(_TEMPLATES):
        for offset in range(len(_SUBJECTS)):
            org, person, city, country, date = _SUBJECTS[(index + offset) % len(_SUBJECTS)]
            text = template.format(org=org, person=person, city=city, country=country, date=date)
            out.append(text[0].upper() + text[1:])
    return out
