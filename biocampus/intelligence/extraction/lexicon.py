"""Generic word lists the rules read. Nothing here names an organisation: only organisation suffixes and
keywords, titles, places (countries, demonyms, large cities and regions), currencies and number words.
The extractor must work on press releases about campuses nobody has seen, so a list may only hold words
that are true of organisations in general."""

from __future__ import annotations

# Legal-form suffixes that end a company name ("X, Inc.", "X Co., Ltd.", "X GmbH").
LEGAL_SUFFIXES = (
    "Inc|Ltd|LLC|L\\.L\\.C|Corp|Co|plc|PLC|GmbH|AG|AB|SA|S\\.A|NV|N\\.V|BV|B\\.V|Pte|Pty|KK|K\\.K|Oy|ApS|A/S|"
    "S\\.p\\.A|SpA|Srl|S\\.r\\.l|LP|LLP|SAS|S\\.A\\.S|Limited"
)

# Head keywords -> kind. Multi-word keys are matched first. Order inside a kind does not matter.
KIND_KEYWORDS: dict[str, tuple[str, ...]] = {
    "service_center": (
        "service center",
        "service centre",
        "services center",
        "services centre",
        "certification center",
        "certification centre",
        "liaison office",
        "workstation",
        "testing center",
        "testing centre",
        "service station",
        "one-stop service",
    ),
    "hospital": (
        "hospital",
        "hospitals",
        "medical center",
        "medical centre",
        "clinic",
        "infirmary",
        "health system",
        "nhs trust",
        "nhs foundation trust",
    ),
    "university": (
        "medical school",
        "university",
        "college",
        "polytechnic",
        "institute of technology",
        "school of medicine",
        "business school",
        "universität",
        "universiteit",
        "universite",
        "université",
    ),
    "lab": ("laboratory", "laboratories", "lab", "joint lab", "key lab", "key laboratory", "med lab"),
    "hub": (
        "hub",
        "incubator",
        "accelerator",
        "innovation center",
        "innovation centre",
        "innovation hub",
        "launchpad",
        "biolabs",
        "startup studio",
        "venture studio",
        "labcentral",
        "co-working",
        "coworking",
    ),
    "campus": (
        "campus",
        "valley",
        "bio valley",
        "science park",
        "research park",
        "technology park",
        "tech park",
        "industrial park",
        "hi-tech park",
        "high-tech park",
        "innovation park",
        "biopark",
        "bio park",
        "biopolis",
        "technopole",
        "technopolis",
        "science city",
        "innovation district",
        "park",
        "industrial campus",
        "innovation quarter",
    ),
    "government": (
        "government",
        "ministry",
        "department",
        "bureau",
        "council",
        "committee",
        "commission",
        "agency",
        "authority",
        "administration",
        "municipality",
        "province",
        "district",
        "prefecture",
        "county",
        "state council",
        "people's government",
        "management committee",
        "office",
        "senate",
        "parliament",
        "development zone",
        "hi-tech zone",
        "high-tech zone",
        "free trade zone",
        "economic zone",
        "new area",
    ),
    "association": (
        "association",
        "society",
        "federation",
        "alliance",
        "chamber",
        "union",
        "league",
        "consortium",
        "club",
    ),
    "investor": (
        "capital",
        "ventures",
        "venture partners",
        "venture capital",
        "partners",
        "fund",
        "funds",
        "investment",
        "investments",
        "investors",
        "angels",
        "equity",
        "asset management",
        "securities",
        "bank",
        "private equity",
        "investment group",
        "capital management",
        "family office",
    ),
    "other": (
        "institute",
        "foundation",
        "trust",
        "charity",
        "catapult",
        "centre",
        "center",
        "network",
        "academy",
        "observatory",
        "genome center",
        "genome centre",
        "initiative",
    ),
    "company": (
        "co",
        "co.",
        "ltd",
        "ltd.",
        "inc",
        "inc.",
        "corp",
        "corp.",
        "corporation",
        "company",
        "llc",
        "gmbh",
        "ag",
        "plc",
        "limited",
        "group",
        "holdings",
        "bio",
        "biotech",
        "biotechnology",
        "biosciences",
        "bioscience",
        "biologics",
        "biopharma",
        "biopharmaceutical",
        "biopharmaceuticals",
        "therapeutics",
        "pharma",
        "pharmaceutical",
        "pharmaceuticals",
        "medical",
        "medicine",
        "medicines",
        "diagnostics",
        "genomics",
        "genetics",
        "technologies",
        "technology",
        "tech",
        "services",
        "systems",
        "solutions",
        "devices",
        "health",
        "healthcare",
        "innovations",
        "robotics",
        "software",
        "sciences",
        "instruments",
        "industries",
        "industrial",
        "medtech",
        "biomedical",
        "analytics",
        "networks",
        "labs",
        "oncology",
        "vaccines",
        "biosystems",
        "imaging",
        "materials",
        "energy",
        "electronics",
        "ai",
        "digital",
        "data",
        "pte",
        "pty",
        "sa",
        "nv",
        "bv",
        "ab",
        "oy",
        "kk",
        "llp",
        "lp",
        "spa",
        "srl",
        "sas",
        "cro",
        "cdmo",
        "neuro",
        "bioworks",
        "therapies",
        "molecular",
        "surgical",
        "dx",
        "rx",
    ),
}

# Keywords that alone (without a distinctive word) never make a name: "the University", "the Park".
GENERIC_HEADS = frozenset(k for ks in KIND_KEYWORDS.values() for k in ks if " " not in k)

# Words that may sit inside a company name but do not make a capitalised chunk an organisation by themselves:
# a chunk needs a STRONG keyword (or a company context) to be accepted without other evidence.
WEAK_COMPANY_WORDS = frozenset(
    {
        "medical",
        "medicine",
        "health",
        "healthcare",
        "sciences",
        "technology",
        "tech",
        "digital",
        "data",
        "ai",
        "energy",
        "materials",
        "imaging",
        "biomedical",
        "industrial",
        "molecular",
        "surgical",
        "innovations",
        "neuro",
        "oncology",
        "genetics",
        "analytics",
        "networks",
        "electronics",
        "dx",
        "rx",
        "union",
        "league",
        "club",
        "initiative",
        "investment",
        "equity",
        "office",
        "park",
        "county",
        "district",
        "province",
        "prefecture",
        "state",
        "bank",
        "trust",
        "partners",
        "network",
        "center",
        "centre",
        "academy",
        "securities",
        "council",
        "department",
        "administration",
        "fund",
    }
)

# Job titles: a chunk made of these is a title, not an organisation ("Vice President of X" keeps only X).
TITLE_WORDS = frozenset(
    """ceo cto cfo coo cso cmo cio chro chief executive officer president vice executive director directors
    managing manager general founder co-founder cofounder chairman chairwoman chairperson chair head professor
    prof dr mr mrs ms mayor minister secretary deputy governor senator dean principal partner lead leader
    spokesperson spokesman spokeswoman officer representative ambassador commissioner chancellor provost
    researcher scientist investigator analyst editor reporter correspondent senior junior associate assistant
    site country regional global investment business development operations marketing communications
    medical scientific technical research strategy sales program programme project party deputy-director
    vice-president vp svp evp md phd mba""".split()
)
# Title words that signal a person when they follow "<Name>, ..." (stronger subset).
PERSON_TITLE = (
    r"(?:CEO|CTO|CFO|COO|CSO|CMO|CIO|[Cc]hief|[Pp]resident|[Dd]irector|[Ff]ounder|[Cc]o-?founder|[Cc]hair(?:man|woman|person)?|"
    r"[Hh]ead|[Pp]rofessor|[Mm]ayor|[Mm]inister|[Ss]ecretary|[Dd]eputy|[Gg]overnor|[Dd]ean|[Mm]anag(?:er|ing)|"
    r"[Ee]xecutive|[Oo]fficer|[Ss]pokes(?:person|man|woman)|[Ll]ead(?:er)?|[Pp]artner|[Rr]esearcher|[Ss]cientist|"
    r"[Cc]ommissioner|[Vv]ice|VP|SVP|EVP|[Aa]nalyst|[Ee]ditor|[Rr]eporter|[Gg]eneral [Mm]anager|[Pp]rincipal|"
    r"[Ii]nvestigator|[Cc]hancellor|[Pp]rovost|[Aa]mbassador|[Ss]enator|[Ss]ecretary-[Gg]eneral|[Rr]epresentative)"
)
HONORIFICS = frozenset(
    {"Dr", "Dr.", "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Prof", "Prof.", "Sir", "Dame", "Lord", "Lady"}
)

# Capitalised words that start sentences or headlines and are never part of a name when they lead a chunk.
COMMON_LEADERS = frozenset(
    """the a an at in on for with by from to as and but or also additionally furthermore moreover meanwhile
    separately among based through addressing despite during after before since while under its their our his
    her this that these those it they we he she both each all other new today yesterday photo about media contact
    source editor note notes reporting according however besides following including include includes plus
    there here when where what which who whom whose why how if then thus so yet last next first second third
    many several some most more such via per under over into
    onto upon within without against between across around behind beyond toward towards once now even still
    please read click see view share tags related previous updated posted published by-line written
    together currently recently earlier later finally overall dear every any no not only just because
    although though unlike like alongside beyond amid amidst given despite speaking commenting welcome
    welcoming announcing introducing meet join joining located founded established headquartered
    post sponsored""".split()
)

# Verbs that make a bare capitalised name a company when it is their subject.
COMPANY_VERBS = (
    r"(?:signed|signs|joined|joins|raised|raises|launched|launches|moved|moves|showcased|showcases|opened|opens|"
    r"announced|announces|agreed|agrees|acquired|acquires|received|receives|secured|secures|entered|enters|"
    r"partnered|partners|completed|completes|closed|closes|develops|developed|builds|built|licensed|licenses|"
    r"invested|invests|became|extended|extends|expanded|expands|unveiled|unveils|leased|leases|relocated|"
    r"relocates|won|wins|obtained|obtains|delivered|offers|provides|manufactures|makes|sells|operates|"
    r"presented|presents|debuted|introduced|introduces|settled|collaborates|cooperates|teamed|plans|aims|"
    r"released|releases|jointly|exhibited|demonstrated|showed|pitched|graduated|completed|"
    r"(?:is|are|was|were) (?:an? |the )?(?:\w+[ -]){0,3}(?:compan(?:y|ies)|start-?ups?|firms?|residents?|tenants?|"
    r"members?|spin-?outs?|portfolio compan(?:y|ies))|"
    r"is developing|is building|has (?:signed|joined|raised|launched|moved|opened|received|secured|become|"
    r"agreed|completed|closed|developed|built|expanded|entered|partnered|obtained|won)|"
    r"will (?:open|move|build|relocate|present|remain|lease|hire|invest|join|launch|use|develop|establish|set up|"
    r"expand|showcase|sign|receive|acquire|license|partner)|"
    r"was (?:founded|established|spun out|acquired|admitted|selected)|is (?:a|an|the) (?:\w+[ -]){0,3}"
    r"(?:company|start-?up|developer|firm|provider|maker|manufacturer|spin-?out|spinout|subsidiary|CRO|CDMO|"
    r"biotech|medtech))"
)
# Nouns that, placed right before a bare name, say it is an organisation ("biotech company Sanomics").
DESCRIPTOR_NOUNS = (
    r"(?:company|companies|start-?ups?|startups?|firms?|developer|biotech|medtech|maker|manufacturer|investors?|"
    r"subsidiary|spin-?out|spinout|provider|group|operator|distributor|partners?|CRO|CDMO|residents?|tenants?|"
    r"newcomers?|fund|insurer|giant|drugmaker|platform|incubatee|portfolio companies|rival|supplier|peer)"
)

# ---------------------------------------------------------------- places
COUNTRIES: dict[str, str] = {
    "China": "CN",
    "People's Republic of China": "CN",
    "PRC": "CN",
    "Mainland China": "CN",
    "Hong Kong": "HK",
    "Macau": "MO",
    "Macao": "MO",
    "Taiwan": "TW",
    "Japan": "JP",
    "Korea": "KR",
    "South Korea": "KR",
    "Republic of Korea": "KR",
    "Singapore": "SG",
    "Malaysia": "MY",
    "Thailand": "TH",
    "Vietnam": "VN",
    "Indonesia": "ID",
    "Philippines": "PH",
    "India": "IN",
    "Australia": "AU",
    "New Zealand": "NZ",
    "United States": "US",
    "United States of America": "US",
    "US": "US",
    "U.S.": "US",
    "USA": "US",
    "U.S.A.": "US",
    "America": "US",
    "Canada": "CA",
    "Mexico": "MX",
    "Brazil": "BR",
    "Argentina": "AR",
    "Chile": "CL",
    "United Kingdom": "GB",
    "UK": "GB",
    "U.K.": "GB",
    "Britain": "GB",
    "Great Britain": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Wales": "GB",
    "Northern Ireland": "GB",
    "Ireland": "IE",
    "France": "FR",
    "Germany": "DE",
    "Italy": "IT",
    "Spain": "ES",
    "Portugal": "PT",
    "Netherlands": "NL",
    "the Netherlands": "NL",
    "Holland": "NL",
    "Belgium": "BE",
    "Luxembourg": "LU",
    "Switzerland": "CH",
    "Austria": "AT",
    "Sweden": "SE",
    "Norway": "NO",
    "Denmark": "DK",
    "Finland": "FI",
    "Iceland": "IS",
    "Poland": "PL",
    "Czech Republic": "CZ",
    "Czechia": "CZ",
    "Hungary": "HU",
    "Romania": "RO",
    "Greece": "GR",
    "Turkey": "TR",
    "Israel": "IL",
    "Saudi Arabia": "SA",
    "United Arab Emirates": "AE",
    "UAE": "AE",
    "Qatar": "QA",
    "Egypt": "EG",
    "South Africa": "ZA",
    "Nigeria": "NG",
    "Kenya": "KE",
    "Russia": "RU",
    "Ukraine": "UA",
    "Estonia": "EE",
    "Latvia": "LV",
    "Lithuania": "LT",
    "Slovenia": "SI",
    "Croatia": "HR",
    "Serbia": "RS",
    "Bulgaria": "BG",
    "Slovakia": "SK",
    "Pakistan": "PK",
    "Bangladesh": "BD",
    "Sri Lanka": "LK",
    "Morocco": "MA",
    "Colombia": "CO",
    "Peru": "PE",
}
DEMONYMS: dict[str, str] = {
    "Chinese": "CN",
    "Japanese": "JP",
    "Korean": "KR",
    "South Korean": "KR",
    "Singaporean": "SG",
    "Malaysian": "MY",
    "Thai": "TH",
    "Vietnamese": "VN",
    "Indonesian": "ID",
    "Indian": "IN",
    "Australian": "AU",
    "American": "US",
    "Canadian": "CA",
    "Mexican": "MX",
    "Brazilian": "BR",
    "British": "GB",
    "English": "GB",
    "Scottish": "GB",
    "Welsh": "GB",
    "Irish": "IE",
    "French": "FR",
    "German": "DE",
    "Italian": "IT",
    "Spanish": "ES",
    "Portuguese": "PT",
    "Dutch": "NL",
    "Belgian": "BE",
    "Swiss": "CH",
    "Austrian": "AT",
    "Swedish": "SE",
    "Norwegian": "NO",
    "Danish": "DK",
    "Finnish": "FI",
    "Polish": "PL",
    "Czech": "CZ",
    "Hungarian": "HU",
    "Greek": "GR",
    "Turkish": "TR",
    "Israeli": "IL",
    "Saudi": "SA",
    "Emirati": "AE",
    "Egyptian": "EG",
    "South African": "ZA",
    "Russian": "RU",
    "Taiwanese": "TW",
    "Estonian": "EE",
    "Icelandic": "IS",
    "Hong Kong": "HK",
}
# Large cities, states and provinces whose country is unambiguous.
CITIES: dict[str, str] = {}
for _country, _names in {
    "CN": "Beijing Shanghai Guangzhou Shenzhen Tianjin Chongqing Chengdu Wuhan Hangzhou Nanjing Suzhou Wuxi "
    "Changzhou Xi'an Xian Qingdao Dalian Shenyang Harbin Changchun Jinan Zhengzhou Changsha Hefei Fuzhou "
    "Xiamen Nanchang Kunming Guiyang Nanning Haikou Sanya Lanzhou Xining Yinchuan Urumqi Hohhot Taiyuan "
    "Shijiazhuang Ningbo Wenzhou Dongguan Foshan Zhuhai Nantong Yangzhou Taizhou Jiaxing Shaoxing Yantai "
    "Weihai Zibo Tangshan Baoding Luoyang Xuzhou Lianyungang Huai'an Zhenjiang Kunshan Changshu Zhongshan "
    "Jiangsu Zhejiang Guangdong Shandong Henan Hubei Hunan Sichuan Fujian Anhui Jiangxi Hebei Shanxi Shaanxi "
    "Liaoning Jilin Heilongjiang Yunnan Guizhou Guangxi Hainan Gansu Qinghai Ningxia Xinjiang Tibet "
    "Pudong Zhangjiang Lingang Xiong'an Hengqin Qianhai Nansha Binhai Lujiazui Haidian Chaoyang Yizhuang",
    "HK": "Kowloon",
    "TW": "Taipei Hsinchu Taichung Kaohsiung Tainan",
    "JP": "Tokyo Osaka Kyoto Yokohama Kobe Nagoya Fukuoka Sapporo Sendai Kawasaki Tsukuba Kanagawa Hokkaido",
    "KR": "Seoul Busan Incheon Daegu Daejeon Gwangju Ulsan Songdo Pangyo Osong Gyeonggi Seongnam",
    "SG": "one-north Jurong Tuas",
    "IN": "Mumbai Delhi Bengaluru Bangalore Hyderabad Chennai Pune Kolkata Ahmedabad",
    "AU": "Sydney Melbourne Brisbane Perth Adelaide Canberra",
    "US": "Boston Cambridge,MA Pittsburgh Philadelphia Raleigh Durham Chicago Houston Dallas Austin Seattle Denver "
    "Atlanta Miami Baltimore Washington Detroit Cleveland Columbus Cincinnati Minneapolis Nashville "
    "Indianapolis Phoenix Portland Sacramento Oakland Berkeley Stanford Seattle "
    "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia,US Hawaii Idaho "
    "Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota "
    "Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania Tennessee Texas Utah "
    "Vermont Virginia Wisconsin Wyoming",
    "GB": "London Manchester Birmingham Edinburgh Glasgow Oxford Leeds Liverpool Bristol Newcastle Sheffield "
    "Nottingham Leicester Cardiff Belfast Aberdeen Dundee Southampton Norwich York Coventry",
    "DE": "Berlin Munich München Hamburg Frankfurt Cologne Köln Heidelberg Stuttgart Düsseldorf Leipzig Dresden "
    "Mainz Martinsried Bavaria Bayern Hesse Hessen Saxony Brandenburg",
    "FR": "Paris Lyon Marseille Toulouse Strasbourg Lille Nantes Bordeaux Grenoble Montpellier",
    "SE": "Stockholm Gothenburg Göteborg Malmö Uppsala Lund Mölndal Umeå Linköping",
    "NO": "Oslo Bergen Trondheim",
    "DK": "Copenhagen Aarhus Odense",
    "FI": "Helsinki Espoo Turku Tampere Oulu",
    "NL": "Amsterdam Rotterdam Leiden Utrecht Eindhoven Groningen Nijmegen",
    "BE": "Brussels Antwerp Ghent Leuven",
    "CH": "Zurich Zürich Basel Geneva Lausanne Bern",
    "AT": "Vienna Graz Innsbruck Salzburg",
    "IT": "Rome Milan Turin Naples Bologna Florence",
    "ES": "Madrid Barcelona Valencia Seville Bilbao",
    "IE": "Dublin Cork Galway",
    "IL": "Jerusalem Haifa Tel-Aviv",
    "CA": "Toronto Montreal Vancouver Ottawa Calgary Quebec",
    "AE": "Dubai Abu-Dhabi",
    "PL": "Warsaw Krakow Kraków Wroclaw",
}.items():
    for _name in _names.split():
        CITIES[
            _name.split(",")[0].replace("-", " ")
            if "-" in _name and _name not in ("one-north", "Xi'an")
            else _name.split(",")[0]
        ] = _country
for _multi, _country in {
    "New York": "US",
    "San Francisco": "US",
    "San Diego": "US",
    "Los Angeles": "US",
    "South San Francisco": "US",
    "New Jersey": "US",
    "North Carolina": "US",
    "Research Triangle": "US",
    "Silicon Valley": "US",
    "Bay Area": "US",
    "Hong Kong": "HK",
    "Tel Aviv": "IL",
    "Abu Dhabi": "AE",
    "Inner Mongolia": "CN",
    "Greater Bay Area": "CN",
    "Yangtze River Delta": "CN",
    "Kuala Lumpur": "MY",
    "Ho Chi Minh City": "VN",
    "St. Louis": "US",
    "Salt Lake City": "US",
    "Cambridge": "GB",
}.items():
    CITIES[_multi] = _country
REGIONS = frozenset(
    """Asia Europe Africa Oceania America Americas Asia-Pacific APAC EMEA Nordic Nordics Scandinavia Middle-East
    Latin Eurasia Greater""".split()
) | {
    "Middle East",
    "North America",
    "South America",
    "Latin America",
    "Southeast Asia",
    "East Asia",
    "Western Europe",
    "Eastern Europe",
    "East China",
    "Western China",
    "Northern Europe",
    "Central Europe",
}
PLACES: dict[str, str | None] = {**CITIES, **COUNTRIES, **{r: None for r in REGIONS}}

# ---------------------------------------------------------------- money and counts
CURRENCY_SYMBOLS = {
    "$": "USD",
    "US$": "USD",
    "USD": "USD",
    "£": "GBP",
    "GBP": "GBP",
    "€": "EUR",
    "EUR": "EUR",
    "¥": "CNY",
    "RMB": "CNY",
    "CNY": "CNY",
    "SEK": "SEK",
    "S$": "SGD",
    "SGD": "SGD",
    "HK$": "HKD",
    "HKD": "HKD",
    "JPY": "JPY",
    "KRW": "KRW",
    "₩": "KRW",
    "CHF": "CHF",
    "A$": "AUD",
    "AUD": "AUD",
    "C$": "CAD",
    "CAD": "CAD",
    "DKK": "DKK",
    "NOK": "NOK",
    "INR": "INR",
    "₹": "INR",
}
CURRENCY_WORDS = {
    "yuan": "CNY",
    "renminbi": "CNY",
    "rmb": "CNY",
    "dollars": "USD",
    "dollar": "USD",
    "us dollars": "USD",
    "pounds": "GBP",
    "pound": "GBP",
    "pounds sterling": "GBP",
    "euros": "EUR",
    "euro": "EUR",
    "kronor": "SEK",
    "krona": "SEK",
    "swedish kronor": "SEK",
    "yen": "JPY",
    "won": "KRW",
    "francs": "CHF",
    "swiss francs": "CHF",
    "singapore dollars": "SGD",
    "hong kong dollars": "HKD",
    "rupees": "INR",
}
MULTIPLIERS = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "hundred": 1e2,
    "lakh": 1e5,
    "crore": 1e7,
}
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
    "a dozen": 12,
    "a hundred": 100,
    "a thousand": 1000,
}
ORDINAL_WORDS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()
MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november december".split()
    )
}
MONTHS.update(
    {
        "jan": 1,
        "feb": 2,
        "mar": 3,
        "apr": 4,
        "jun": 6,
        "jul": 7,
        "aug": 8,
        "sep": 9,
        "sept": 9,
        "oct": 10,
        "nov": 11,
        "dec": 12,
    }
)
