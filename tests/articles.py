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
