"""The news vocabulary and sentence templates of the 1,000,000-claim generator
(bench/million.py): Zipf-weighted countries and cities, people and organisations, and the
claim and filler sentences built from them."""

from __future__ import annotations

import random

FIRST = (
    "Imran Shehbaz Bilawal Maryam Asif Ishaq Ahsan Fawad Shireen Hina Sherry Ayesha Sana "
    "Faisal Omar Usman Hamza Zulfi Murad Khurram Vladimir Sergei Dmitry Maria Narendra "
    "Subrahmanyam Joe Antony Olaf Emmanuel Ursula Volodymyr Dmytro Recep Xi Wang Li "
    "Kristalina Antonio Rishi Keir Liz Boris Annalena Justin Anthony Mohammed Ahmed Ali"
).split()
# Khan first and heaviest: the common name of the benchmark.
SURNAMES = (
    "Khan Sharif Bhutto Zardari Qureshi Dar Iqbal Chaudhry Mazari Rabbani Rehman Abbasi "
    "Aziz Malik Butt Gilani Hussain Siddiqui Baig Ahmed Putin Lavrov Peskov Zakharova "
    "Modi Jaishankar Biden Blinken Scholz Macron Leyen Zelensky Kuleba Erdogan Jinping Yi "
    "Georgieva Guterres Sunak Starmer Truss Johnson Baerbock Trudeau Albanese Salman "
    "Mirza Javed Saleem Nawaz Akhtar Raza Shah Ansari Haider Rashid Yusuf Karim Latif Zaidi"
).split()
ORGS = [
    "Ministry of Finance",
    "State Bank of Pakistan",
    "Pakistan Bureau of Statistics",
    "Foreign Office",
    "Ministry of Defence",
    "Kremlin",
    "European Commission",
    "International Monetary Fund",
    "World Bank",
    "United Nations",
    "Election Commission",
    "Planning Commission",
    "Federal Board of Revenue",
    "Ministry of Energy",
    "Asian Development Bank",
    "National Assembly",
    "Senate Standing Committee",
    "Chamber of Commerce",
    "Water and Power Development Authority",
    "National Command and Operation Centre",
]
ROLES = ["Prime Minister", "Minister", "Spokesperson", "Senator", "Governor", "Analyst", ""]
# Zipf weights: Pakistan and Russia everywhere, the tail rare.
COUNTRIES = (
    "Pakistan Russia Ukraine India China America Afghanistan Iran Turkey Germany France "
    "Britain Japan Qatar Egypt Bangladesh Kazakhstan Uzbekistan Poland Hungary Brazil "
    "Indonesia Malaysia Nigeria Kenya Mexico Canada Australia Norway Belarus"
).split()
CITIES = (
    "Islamabad Moscow Lahore Karachi Kyiv Delhi Beijing Washington Kabul Tehran Ankara "
    "Berlin Paris London Doha Dhaka Peshawar Quetta Multan Faisalabad Rawalpindi Sialkot "
    "Hyderabad Gilgit Skardu Astana Tashkent Warsaw Budapest Geneva Brussels Vienna"
).split()
INDICATORS = [
    "inflation",
    "unemployment",
    "the fiscal deficit",
    "the current account deficit",
    "foreign reserves",
    "tax revenue",
    "the poverty rate",
    "electricity prices",
    "petrol prices",
    "the literacy rate",
    "child mortality",
    "defence spending",
    "remittances",
    "public debt",
    "food prices",
]
GOODS = (
    "wheat rice cotton sugar textiles oil gas fertiliser cement steel coal wool fruit "
    "medicine vaccines"
).split()
TOPICS = [
    "the invasion of Ukraine",
    "the ceasefire resolution",
    "climate finance",
    "the Kashmir dispute",
    "sanctions on Russia",
    "the Gaza resolution",
    "nuclear disarmament",
    "refugee protection",
]
VERBS_UP = ["rose", "climbed", "increased", "jumped"]
VERBS_DOWN = ["fell", "dropped", "declined", "decreased"]
RARE = ["Tarbela", "Gwadar", "Thar", "Chitral", "Kalabagh"]  # a few hundred claims each


def zipf(n: int, s: float = 1.0) -> list[float]:
    return [1 / rank**s for rank in range(1, n + 1)]


class Words:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.cw = zipf(len(COUNTRIES), 0.7)
        self.yw = zipf(len(CITIES))

    def country(self) -> str:
        return self.rng.choices(COUNTRIES, self.cw)[0]

    def city(self) -> str:
        return self.rng.choices(CITIES, self.yw)[0]

    def place(self) -> str:
        if self.rng.random() < 0.0012:
            return self.rng.choice(RARE)
        return self.city() if self.rng.random() < 0.5 else self.country()


def claim_sentence(w: Words, who: str, year: int) -> str:
    r = w.rng
    n = r.randint(2, 95)
    t = r.randrange(12)
    if t == 0:
        verb = r.choice(VERBS_UP + VERBS_DOWN)
        return (
            f"{who} said {r.choice(INDICATORS)} in {w.country()} {verb} by {n} percent in {year}."
        )
    if t == 1:
        return (
            f"{w.country()} signed a trade deal worth {n} billion dollars with {w.country()}, "
            f"{who} said."
        )
    if t == 2:
        return (
            f"According to {who}, {n} million people in {w.place()} have no access to clean water."
        )
    if t == 3:
        return (
            f"{who} claimed it was the first visit by a prime minister of {w.country()} to "
            f"{w.city()} in {n} years."
        )
    if t == 4:
        return f"{n} countries abstained in the vote on {r.choice(TOPICS)}, {who} told reporters in {w.city()}."
    if t == 5:
        return (
            f"The IMF loan of {n / 10:.1f} billion dollars will bring inflation in {w.country()} "
            f"down to {r.randint(3, 15)} percent by {year + 1}, {who} said."
        )
    if t == 6:
        good = r.choice(GOODS)
        return (
            f"{who} said {good} exports to {w.country()} doubled to {n} thousand tonnes last year."
        )
    if t == 7:
        return f"The gas pipeline from {w.country()} to {w.place()} will be finished by {year + r.randint(1, 6)}, {who} said."
    if t == 8:
        verb = r.choice(VERBS_UP + VERBS_DOWN)
        return f"Unemployment in {w.place()} {verb} to {n / 5:.1f} percent, the highest in {r.randint(5, 40)} years, said {who}."
    if t == 9:
        return f"{who} said {n * 1000:,} police officers were deployed in {w.city()} for the march."
    if t == 10:
        good = r.choice(GOODS)
        return (
            f"The price of {good} in {w.place()} went up by {n} percent in a month, "
            f"{who} told the National Assembly."
        )
    return f"{who} said the trade deficit with {w.country()} reached {n} billion dollars in {year}."


def filler_sentence(w: Words) -> str:
    r = w.rng
    t = r.randrange(6)
    if t == 0:
        return f"The meeting in {w.city()} lasted {r.randint(2, 9)} hours."
    if t == 1:
        return f"Reporters waited outside the ministry in {w.city()} until the evening."
    if t == 2:
        return f"Officials from {w.country()} did not respond to a request for comment."
    if t == 3:
        return f"The talks are expected to continue next week in {w.city()}."
    if t == 4:
        return "Opposition leaders walked out of the session in protest."
    return f"Analysts in {w.city()} said the figures would be revised."
