"""Short articles written for the tests (never corpus text), shared by several modules."""

# A second article after the seed: six statements, Lavrov among the speakers, Aleppo
# among the places.
CEASEFIRE = """Lavrov rejects ceasefire call as fighting spreads in Aleppo
Russia's foreign minister dismissed a new call for a truce.
06 December, 2016
"There will be no pause while the armed groups stay in Aleppo," Russian Foreign Minister \
Sergei Lavrov told reporters in Moscow on Tuesday.
Aid workers said food was running out in eastern Aleppo.
"We have nothing left to give the families in Damascus," said Omar Haddad, a spokesman for \
the Syrian Red Crescent.
Lavrov said Russia would keep talking to Washington.
"""
CEASEFIRE_TITLE = "Lavrov rejects ceasefire call as fighting spreads in Aleppo"

# Two short reports from outlets (JSON records: a publisher and a date each).
REPORTS = [
    {
        "title": "Aid convoy reaches Aleppo",
        "body": "Trucks crossed into eastern Aleppo on Wednesday.\n\n"
        '"We delivered flour for ten thousand people," a UN spokesman told AFP.\n\n'
        "Lavrov said the corridors in Aleppo would stay open.\n",
        "publishedAt": "2017-01-11",
        "publisher": "AFP",
    },
    {
        "title": "Talks resume in Geneva",
        "body": "Talks resumed in Geneva on Friday.\n\n"
        '"We will not leave Aleppo," Yasser al-Youssef said.\n\n'
        "Lavrov told reporters that Aleppo was calm.\n",
        "publishedAt": "2017-01-20",
        "publisher": "Reuters",
    },
]

# A wire rewrite of the seed a day later: Lavrov's quotation cut and in curly marks, Yasser
# al-Youssef's quoted in part inside reported speech and again in full, by pronoun.
REWRITE = {
    "title": "Russia tells Aleppo rebels to leave or be treated as terrorists",
    "body": "Russia's foreign minister repeated on Tuesday that rebels who stay in eastern Aleppo"
    " would be treated as enemies.\n\n"
    "\u201cThose armed groups who refuse to leave eastern Aleppo will be considered to be"
    " terrorists,\u201d Sergei Lavrov said on Monday.\n\n"
    "Rebel commander Yasser al-Youssef said it was \u201cfor the Russians to leave Aleppo\u201d"
    " and not for the rebels.\n\n"
    "\u201cIt is for the Russians to leave Aleppo, and for the sectarian militias to leave Aleppo"
    " and Syria,\u201d he told AFP.\n",
    "publishedAt": "2016-12-06",
    "publisher": "Example Wire",
}
