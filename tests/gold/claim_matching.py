"""Gold set for claim matching: the seed claims restated by other outlets, and topical
near-misses that must not be linked.

Written by hand before the matcher was tuned, in the voices of outlets that are not the
seeds' (wire copy, tabloid, broadcast transcript, op-ed, headline, English as a second
language, a liveblog). Each item names its seed claim by a fragment of the seed's text.

- kind "same": the item states the seed's fact. It must be linked to that seed;
  `conflict` says whether its figures differ from the seed's (the link is then flagged).
  `also` lists other seeds it may be linked to without that being wrong (seeds that
  overlap each other, such as the visit and the meeting).
- kind "near_miss": same people and event as the seed, a different fact. It must not be
  linked to any seed.

`split`: "tune" items may be looked at while setting thresholds; "held" items never
are, and their figures are reported apart.
"""

from __future__ import annotations

# Seed fragments (unique within the seed claims).
MET = "met with Russian President Vladimir Putin after Russian soldiers"
PIPELINE = "Pakistan Stream natural gas pipeline"
INDIA_PARTNER = "main partner on the subcontinent"
NOT_IN_INTEREST = "not in anyone’s interest"
DIALOGUE = "resolved through dialogue and diplomacy"
CHAUDHRY = "did not want a halt in its bilateral relations"
EUROPE = "next tour will be to Europe"
LAVROV = "Sergey Lavrov discussed"
TWENTY_YEARS = "first by a Pakistani Prime Minister in 20 years"
ANGERED_US = "had angered the United States"
PRICE = "responsibility of every responsible country"
SLAVE = "condemned western demands"
LETTER_22 = "heads of 22 foreign heads of state"
ABSTAIN = "joined with China to abstain"
COUNTRIES_35 = "They were among 35 countries"
URGE = "we urge Pakistan to join us"
INDIA_LETTER = "Did you write such a letter to India"
NATO = "tried to help NATO in Afghanistan"
TWO_DAY = "two-day visit just days after the invasion"
FRIENDS = "we are not in any camp"
FEB_24 = "which began on February 24"

S, N = "same", "near_miss"

# (kind, seed, text, style, outlet, published, conflict, split, also)
ITEMS: list[tuple] = [
    # -- the meeting with Putin
    (S, MET, "ISLAMABAD, Feb 24 (Wire) - Prime Minister Imran Khan held talks with Vladimir Putin in the Kremlin on Thursday, hours after Russian troops crossed into Ukraine.", "wire", "Asia Wire", "2022-02-24", False, "tune", (TWO_DAY,)),
    (S, MET, "Pakistan's PM shook hands with Putin as Russian tanks rolled into Ukraine!", "tabloid", "Daily Flash", "2022-02-25", False, "held", (TWO_DAY,)),
    (S, MET, "Prime minister of Pakistan Mr. Imran Khan has done meeting with President Putin of Russia at the time when Russian army was entering in Ukraine.", "non-native", "Lahore Ledger", "2022-02-25", False, "tune", (TWO_DAY,)),
    (N, MET, "Imran Khan and Vladimir Putin's talks in the Kremlin went on for three hours.", "wire", "Asia Wire", "2022-02-24", None, "held", ()),
    (N, MET, "Putin greeted Imran Khan at the Kremlin with a bouquet of flowers and a guard of honour.", "tabloid", "Daily Flash", "2022-02-25", None, "tune", ()),
    # -- the pipeline
    (S, PIPELINE, "Khan, Putin talk Afghanistan, Islamophobia and $2.5bn gas pipeline", "headline", "Gulf Herald", "2022-02-24", False, "tune", ()),
    (S, PIPELINE, "They also talked about the gas pipeline, Pakistan Stream, that's two and a half billion dollars, running from Karachi up to Kasur.", "broadcast", "Radio South Asia", "2022-02-24", False, "held", ()),
    (S, PIPELINE, "On the table, too, was the $3 billion Pakistan Stream line that Moscow is so keen to lay from Karachi to Kasur, alongside Afghanistan and Islamophobia.", "op-ed", "The Review", "2022-02-28", True, "tune", ()),
    (S, PIPELINE, "The leaders' agenda covered Afghanistan, Islamophobia and a 2.5 billion dollar gas pipeline Russia plans to build from Karachi to Kasur.", "non-native", "Lahore Ledger", "2022-02-25", False, "held", ()),
    (N, PIPELINE, "The Pakistan Stream pipeline is designed to carry 12.4 billion cubic metres of gas a year.", "wire", "Asia Wire", "2022-02-24", None, "tune", ()),
    (N, PIPELINE, "Work on the Karachi-Kasur gas pipeline has been held up for years by US sanctions on Russian contractors.", "op-ed", "The Review", "2022-02-28", None, "held", ()),
    # -- India as Russia's partner
    (S, INDIA_PARTNER, "India has long been Moscow's closest ally in South Asia.", "op-ed", "The Review", "2022-02-28", False, "tune", ()),
    (S, INDIA_PARTNER, "For decades New Delhi, not Islamabad, has been the Kremlin's key friend in the region.", "magazine", "Strategic Monthly", "2022-03-01", False, "held", ()),
    (N, INDIA_PARTNER, "India buys more Russian weapons than any other country in the world.", "wire", "Asia Wire", "2022-02-24", None, "tune", ()),
    (N, INDIA_PARTNER, "Russia's main partner in the Middle East has been Syria.", "op-ed", "Gulf Herald", "2022-02-26", None, "held", ()),
    # -- not in anyone's interest
    (S, NOT_IN_INTEREST, "Khan said the war between Russia and Ukraine served no one, and that poorer nations always suffer most economically from such conflicts.", "wire", "Asia Wire", "2022-02-24", False, "tune", ()),
    (S, NOT_IN_INTEREST, "Imran Khan told that Russia-Ukraine war is not good for anybody and developing nations are always most hurt in economy.", "non-native", "Lahore Ledger", "2022-02-25", False, "held", ()),
    (N, NOT_IN_INTEREST, "Khan said Pakistan's economy had grown by 5.4 percent despite the pandemic.", "broadcast", "Radio South Asia", "2022-02-24", None, "tune", ()),
    (N, NOT_IN_INTEREST, "Khan said rising oil prices caused by the war would hurt Pakistan's budget.", "wire", "Asia Wire", "2022-02-26", None, "held", ()),
    # -- dialogue and diplomacy
    (S, DIALOGUE, "KHAN: Pakistan's position is that conflicts must be settled by talks and diplomacy.", "broadcast", "Radio South Asia", "2022-02-24", False, "tune", ()),
    (S, DIALOGUE, "Islamabad's stated view is that disagreements should be worked out at the negotiating table.", "op-ed", "The Review", "2022-02-28", False, "held", ()),
    (N, DIALOGUE, "Pakistan believes the Kashmir dispute must be settled under UN Security Council resolutions.", "op-ed", "Strategic Monthly", "2022-03-01", None, "tune", ()),
    (N, DIALOGUE, "Pakistan believes that Western sanctions on Russia will fail.", "tabloid", "Daily Flash", "2022-02-25", None, "held", ()),
    # -- Chaudhry: no halt in relations
    (S, CHAUDHRY, "Fawad Chaudhry, the information minister, said Pakistan wanted to strengthen, not pause, its ties with Moscow.", "magazine", "Strategic Monthly", "2022-03-01", False, "tune", ()),
    (S, CHAUDHRY, "Islamabad has no wish to freeze its bilateral relations with Russia and wants to deepen them, Information Minister Fawad Chaudhry told reporters.", "wire", "Asia Wire", "2022-02-24", False, "held", ()),
    (N, CHAUDHRY, "Information Minister Fawad Chaudhry said the prime minister would fly back to Islamabad on Friday.", "wire", "Asia Wire", "2022-02-24", None, "tune", ()),
    (N, CHAUDHRY, "Fawad Chaudhry said Pakistan would import two million tonnes of wheat from Russia.", "broadcast", "Radio South Asia", "2022-02-25", None, "held", ()),
    # -- next tour to Europe
    (S, EUROPE, "The prime minister will travel to Europe on his next foreign trip.", "wire", "Asia Wire", "2022-02-25", False, "tune", ()),
    (S, EUROPE, "Khan's next stop abroad: Europe.", "headline", "Gulf Herald", "2022-02-26", False, "held", ()),
    (N, EUROPE, "Imran Khan's previous trip abroad was to Beijing for the Winter Olympics.", "liveblog", "Newsroom Live", "2022-02-24", None, "tune", ()),
    (N, EUROPE, "Imran Khan's tour of Europe was cancelled after the invasion.", "tabloid", "Daily Flash", "2022-03-02", None, "held", ()),
    # -- Qureshi and Lavrov
    (S, LAVROV, "Qureshi and Lavrov held talks on regional and international matters as the crisis unfolded.", "wire", "Asia Wire", "2022-02-24", False, "tune", ()),
    (S, LAVROV, "Foreign Minister Qureshi also met with Russian foreign minister Lavrov and they talked about important issues of the region and the world.", "non-native", "Lahore Ledger", "2022-02-25", False, "held", ()),
    (N, LAVROV, "Shah Mahmood Qureshi and Sergey Lavrov signed an agreement on visa-free travel for diplomats.", "wire", "Asia Wire", "2022-02-24", None, "tune", ()),
    (N, LAVROV, "Lavrov told Qureshi that Moscow would send a delegation to Islamabad in April.", "broadcast", "Radio South Asia", "2022-02-25", None, "held", ()),
    # -- first visit in 20 years
    (S, TWENTY_YEARS, "Khan became the first Pakistani premier to visit Moscow in two decades.", "wire", "Asia Wire", "2022-02-23", False, "tune", ()),
    (S, TWENTY_YEARS, "Imran's Moscow jaunt is the first by a Pakistani PM in 23 years!", "tabloid", "Daily Flash", "2022-02-24", True, "held", ()),
    (S, TWENTY_YEARS, "No Pakistani prime minister had been to Moscow for twenty years until this week.", "broadcast", "Radio South Asia", "2022-02-25", False, "tune", ()),
    (S, TWENTY_YEARS, "It was the first time in more than two decades that a Pakistani head of government set foot in Moscow.", "op-ed", "The Review", "2022-02-28", True, "held", ()),
    (S, TWENTY_YEARS, "First Pakistani PM in Moscow in a quarter of a century", "headline", "Gulf Herald", "2022-02-23", True, "tune", ()),
    (N, TWENTY_YEARS, "Khan's visit to Moscow was the first foreign trip of his premiership outside Asia.", "magazine", "Strategic Monthly", "2022-03-01", None, "held", ()),
    (N, TWENTY_YEARS, "Khan's visit to Moscow had been planned since Putin invited him in a telephone call last year.", "liveblog", "Newsroom Live", "2022-02-24", None, "tune", ()),
    (N, TWENTY_YEARS, "The last Pakistani leader to visit Moscow, Nawaz Sharif, went in 1999.", "op-ed", "The Review", "2022-02-28", None, "held", ()),
    # -- the US angered
    (S, ANGERED_US, "Washington was irritated by Khan's Moscow trip even before the invasion, saying every responsible nation should object to Putin's moves.", "wire", "Asia Wire", "2022-02-24", False, "tune", (PRICE,)),
    (S, ANGERED_US, "The trip had already annoyed the Americans before the war even started.", "tabloid", "Daily Flash", "2022-02-25", False, "held", ()),
    (N, ANGERED_US, "The PM's visit had angered India, which called it badly timed.", "op-ed", "Gulf Herald", "2022-02-26", None, "tune", ()),
    (N, ANGERED_US, "The United States said it had been told about Khan's visit two weeks in advance.", "wire", "Asia Wire", "2022-02-23", None, "held", ()),
    # -- Ned Price
    (S, PRICE, "Every responsible country has a duty to voice concern and objection over what Putin plans for Ukraine, State Department spokesman Ned Price said.", "wire", "Asia Wire", "2022-02-23", False, "tune", (ANGERED_US,)),
    (S, PRICE, "PRICE: We think it is the responsibility of every responsible nation to speak up, to object to what Putin seems to be planning for Ukraine.", "broadcast", "Radio South Asia", "2022-02-23", False, "held", (ANGERED_US,)),
    (N, PRICE, "Ned Price said the United States valued its long partnership with Pakistan.", "wire", "Asia Wire", "2022-02-23", None, "tune", ()),
    (N, PRICE, "Ned Price declined to say whether Washington had asked Khan to call off the trip.", "liveblog", "Newsroom Live", "2022-02-23", None, "held", ()),
    # -- not the West's slave
    (S, SLAVE, "Khan slammed Western calls for Pakistan to sign up to sanctions on Russia, asking whether the West took Pakistan for its slaves.", "tabloid", "Daily Flash", "2022-03-07", False, "tune", ()),
    (S, SLAVE, "Imran Khan rejected pressure from Western governments to join sanctions against Moscow, saying Pakistan is no one's slave.", "wire", "Asia Wire", "2022-03-06", False, "held", ()),
    (N, SLAVE, "Imran Khan said Pakistan would keep buying Russian wheat and gas despite Western pressure.", "broadcast", "Radio South Asia", "2022-03-06", None, "tune", ()),
    (N, SLAVE, "Khan made the remarks at a rally in Vehari in Punjab province.", "wire", "Asia Wire", "2022-03-06", None, "held", ()),
    # -- the letter of 22 envoys
    (S, LETTER_22, "Envoys of 22 countries had written jointly to Islamabad urging Pakistan to back the UN General Assembly resolution condemning Russia's invasion.", "wire", "Asia Wire", "2022-03-02", False, "tune", (URGE,)),
    (S, LETTER_22, "Two dozen ambassadors signed the letter pressing Pakistan to support the U.N. resolution against Russia's invasion of Ukraine.", "tabloid", "Daily Flash", "2022-03-03", True, "held", (URGE,)),
    (S, LETTER_22, "More than 20 foreign envoys sent a joint letter asking Pakistan to vote for the General Assembly resolution that condemns Russia.", "non-native", "Lahore Ledger", "2022-03-03", False, "tune", (URGE,)),
    (N, LETTER_22, "Pakistan's Foreign Office said the envoys' joint letter broke diplomatic norms.", "wire", "Asia Wire", "2022-03-03", None, "held", ()),
    (N, LETTER_22, "The 22 envoys' letter was also released to the press in Islamabad.", "liveblog", "Newsroom Live", "2022-03-02", None, "tune", ()),
    # -- abstained with India and China
    (S, ABSTAIN, "Pakistan, India and China all abstained in the UN vote condemning Russia, the Times of India reported.", "wire", "Asia Wire", "2022-03-03", False, "tune", (COUNTRIES_35, INDIA_LETTER)),
    (S, ABSTAIN, "India, Pakistan, China abstain on anti-Russia UN resolution", "headline", "Gulf Herald", "2022-03-02", False, "held", (COUNTRIES_35, INDIA_LETTER)),
    (N, ABSTAIN, "Bangladesh and Sri Lanka also abstained in the vote.", "wire", "Asia Wire", "2022-03-03", None, "tune", ()),
    (N, ABSTAIN, "India and China abstained from a Security Council vote on the same issue a week earlier.", "op-ed", "The Review", "2022-03-04", None, "held", ()),
    # -- 35 countries abstained
    (S, COUNTRIES_35, "Pakistan was one of 35 nations that abstained on the General Assembly resolution demanding that Russia pull its troops out of Ukraine.", "wire", "Asia Wire", "2022-03-03", False, "tune", (ABSTAIN,)),
    (S, COUNTRIES_35, "Thirty-five countries sat out the vote on the resolution that told Russia to withdraw immediately and unconditionally from Ukraine.", "broadcast", "Radio South Asia", "2022-03-02", False, "held", (ABSTAIN,)),
    (S, COUNTRIES_35, "Pakistan was among 38 countries that declined to vote on the UN resolution deploring Russia's actions and demanding the withdrawal of its forces.", "op-ed", "The Review", "2022-03-04", True, "tune", (ABSTAIN,)),
    (S, COUNTRIES_35, "Some three dozen states, Pakistan among them, abstained on the resolution demanding that Russia withdraw from Ukrainian territory.", "magazine", "Strategic Monthly", "2022-03-05", True, "held", (ABSTAIN,)),
    (N, COUNTRIES_35, "141 countries voted in favour of the resolution deploring Russia's actions in Ukraine.", "wire", "Asia Wire", "2022-03-02", None, "tune", ()),
    (N, COUNTRIES_35, "Only five countries, among them Russia and Belarus, voted against the resolution demanding a Russian withdrawal.", "broadcast", "Radio South Asia", "2022-03-02", None, "held", ()),
    # -- the envoys' appeal
    (S, URGE, "'We urge Pakistan to join us in condemning Russia's actions,' the heads of mission in Islamabad wrote.", "wire", "Asia Wire", "2022-03-02", False, "tune", (LETTER_22,)),
    (S, URGE, "The European diplomats asked Pakistan to stand with them and condemn what Russia is doing.", "non-native", "Lahore Ledger", "2022-03-03", False, "held", (LETTER_22,)),
    (N, URGE, "The heads of mission in Islamabad urged Pakistan to take in refugees from Ukraine.", "wire", "Asia Wire", "2022-03-04", None, "tune", ()),
    (N, URGE, "The envoys urged Pakistani students in Ukraine to leave the country at once.", "liveblog", "Newsroom Live", "2022-02-25", None, "held", ()),
    # -- the letter to India
    (S, INDIA_LETTER, "Khan asked the EU envoys whether they had sent the same kind of letter to New Delhi, pointing out that India had also abstained.", "wire", "Asia Wire", "2022-03-06", False, "tune", (ABSTAIN,)),
    (S, INDIA_LETTER, "KHAN (through interpreter): I ask the European ambassadors, did you write such a letter to India? India also did not vote.", "broadcast", "Radio South Asia", "2022-03-06", False, "held", (ABSTAIN,)),
    (N, INDIA_LETTER, "Khan said India had bought Russian oil at a discount since the war began.", "op-ed", "The Review", "2022-03-08", None, "tune", ()),
    (N, INDIA_LETTER, "Khan asked the European Union ambassadors to leave Pakistan's internal affairs alone.", "tabloid", "Daily Flash", "2022-03-07", None, "held", ()),
    # -- NATO in Afghanistan
    (S, NATO, "Khan said Pakistan had helped NATO in Afghanistan and got only abuse in return, not gratitude.", "wire", "Asia Wire", "2022-03-06", False, "tune", ()),
    (S, NATO, "Imran fumed that the West repaid Pakistan's help to NATO in Afghanistan with insults!", "tabloid", "Daily Flash", "2022-03-07", False, "held", ()),
    (N, NATO, "Khan said Pakistan had lost 80,000 lives in the war on terror.", "broadcast", "Radio South Asia", "2022-03-06", None, "tune", ()),
    (N, NATO, "Khan said NATO's withdrawal from Afghanistan had left Pakistan with three million refugees.", "op-ed", "The Review", "2022-03-08", None, "held", ()),
    # -- the two-day visit
    (S, TWO_DAY, "Khan flew to Moscow for a two-day trip days after the invasion started, describing Pakistan as Russia's friend, Reuters reported.", "wire", "Asia Wire", "2022-03-06", False, "tune", (MET,)),
    (S, TWO_DAY, "Khan was in Moscow on a 48-hour visit just after the invasion began, calling Pakistan friends with Russia.", "broadcast", "Radio South Asia", "2022-03-06", False, "held", (MET,)),
    (S, TWO_DAY, "Khan's three-day visit to Moscow came just days after the invasion began, and there he called Pakistan friends with Russia.", "op-ed", "The Review", "2022-03-08", True, "tune", (MET,)),
    (N, TWO_DAY, "Khan flew to Moscow with a delegation of six ministers on a chartered plane.", "wire", "Asia Wire", "2022-02-23", None, "held", ()),
    (N, TWO_DAY, "During the visit Khan toured the Islamic Cultural Centre in Moscow.", "liveblog", "Newsroom Live", "2022-02-24", None, "tune", ()),
    # -- not in any camp
    (S, FRIENDS, "'We're friends with Russia, with America, with China and with Europe; we're in no camp,' Khan said.", "wire", "Asia Wire", "2022-03-06", False, "tune", ()),
    (S, FRIENDS, "Khan insisted Pakistan belongs to no bloc and counts Russia, the US, China and Europe all as friends.", "op-ed", "The Review", "2022-03-08", False, "held", ()),
    (N, FRIENDS, "Khan said Pakistan had paid a heavy price for joining the American camp during the Cold War.", "op-ed", "Strategic Monthly", "2022-03-09", None, "tune", ()),
    (N, FRIENDS, "Khan said China was Pakistan's most reliable friend.", "broadcast", "Radio South Asia", "2022-03-06", None, "held", ()),
    # -- the war began on February 24
    (S, FEB_24, "the war, which started on 24 February", "wire", "Euro Wire", "2022-03-06", False, "tune", ()),
    (S, FEB_24, "Russia's invasion, launched on Feb. 24", "headline", "Gulf Herald", "2022-03-06", False, "held", ()),
    (S, FEB_24, "the conflict that began on February 23", "liveblog", "Newsroom Live", "2022-03-06", True, "tune", ()),
    (N, FEB_24, "the General Assembly vote, which took place on March 2", "wire", "Asia Wire", "2022-03-03", None, "held", ()),
    (N, FEB_24, "the talks between Russia and Ukraine, which began on February 28", "broadcast", "Radio South Asia", "2022-03-01", None, "tune", ()),
]
