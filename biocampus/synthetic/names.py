"""Word lists the generator composes names from: English brand stems, legal forms, Chinese characters, places."""

# Country code -> share of organisations (China first: the campuses are Chinese), and its cities.
COUNTRIES = {
    "CN": (40, ["Suzhou", "Wuxi", "Shanghai", "Beijing", "Shenzhen", "Hangzhou", "Guangzhou", "Chengdu", "Wuhan"]),
    "US": (15, ["Boston", "Cambridge", "San Diego", "San Francisco", "New York", "Seattle", "Houston"]),
    "DE": (6, ["Berlin", "Munich", "Heidelberg", "Hamburg", "Frankfurt"]),
    "GB": (6, ["London", "Cambridge", "Oxford", "Manchester", "Edinburgh"]),
    "JP": (5, ["Tokyo", "Osaka", "Kyoto", "Kobe"]),
    "SE": (4, ["Stockholm", "Gothenburg", "Uppsala", "Lund"]),
    "CH": (4, ["Basel", "Zurich", "Geneva", "Lausanne"]),
    "FR": (4, ["Paris", "Lyon", "Strasbourg", "Marseille"]),
    "SG": (3, ["Singapore"]),
    "KR": (3, ["Seoul", "Incheon", "Daejeon"]),
    "NL": (2, ["Amsterdam", "Leiden", "Utrecht"]),
    "DK": (2, ["Copenhagen", "Aarhus"]),
    "IL": (2, ["Tel Aviv", "Rehovot"]),
    "AU": (2, ["Sydney", "Melbourne"]),
    "CA": (2, ["Toronto", "Montreal", "Vancouver"]),
}

CITIES_ZH = {
    "Suzhou": "苏州",
    "Wuxi": "无锡",
    "Shanghai": "上海",
    "Beijing": "北京",
    "Shenzhen": "深圳",
    "Hangzhou": "杭州",
    "Guangzhou": "广州",
    "Chengdu": "成都",
    "Wuhan": "武汉",
}

# A company's legal form follows its country.
LEGAL_FORMS = {
    "CN": ["Co., Ltd."],
    "US": ["Inc.", "Corp.", "LLC"],
    "DE": ["GmbH", "AG"],
    "GB": ["Ltd.", "plc"],
    "JP": ["K.K.", "Co., Ltd."],
    "SE": ["AB"],
    "CH": ["AG", "SA"],
    "FR": ["SAS", "SA"],
    "SG": ["Pte. Ltd."],
    "KR": ["Co., Ltd."],
    "NL": ["B.V.", "N.V."],
    "DK": ["A/S", "ApS"],
    "IL": ["Ltd."],
    "AU": ["Pty Ltd"],
    "CA": ["Inc.", "Ltd."],
}

PREFIXES = ["", "", "", "Neo", "Nova", "Pro", "Omni", "Vita", "Syn", "Ever", "Alpha", "Precision ", "Sino", "Apex "]
STEMS = [
    "Bio",
    "Gene",
    "Med",
    "Thera",
    "Onco",
    "Cardio",
    "Immuno",
    "Neuro",
    "Cyto",
    "Geno",
    "Proteo",
    "Pharma",
    "Vax",
    "Cell",
    "Derm",
    "Hema",
    "Nephro",
    "Pulmo",
    "Osteo",
    "Endo",
    "Lumi",
    "Axo",
    "Cura",
    "Sana",
]
ENDINGS = ["", "ra", "nix", "tek", "vance", "gen", "ome", "tas", "lia", "via", "pure", "core", "sys", "logic", "nova"]
COMPANY_SUFFIXES = [
    "Therapeutics",
    "Diagnostics",
    "Biotech",
    "Medical",
    "Labs",
    "Health",
    "Biosciences",
    "Genomics",
    "Devices",
    "Biologics",
    "Technologies",
    "Life Sciences",
]
PHARMA_SUFFIXES = ["Pharma", "Pharmaceuticals", "Pharmaceutical Group"]
INVESTOR_SUFFIXES = ["Capital", "Ventures", "Partners", "Investment", "Healthcare Fund", "Life Science Fund"]

# Chinese names: a brand of two characters, a domain, and a legal form.
BRAND_CHARS = "康华瑞泽恒信安泰德博宁益元欣达诺捷嘉源睿智明鼎盛和美佳远景天正"
DOMAINS_ZH = ["生物", "医疗", "基因", "医药", "健康", "诊断", "生命", "细胞", "精准医学"]
COMPANY_TAILS_ZH = ["科技有限公司", "技术有限公司", "有限公司", "股份有限公司"]

# Agreement type -> (English title, Chinese title): the title says what the type is.
AGREEMENT_TOPICS = {
    "strategic_cooperation": ("Strategic cooperation", "战略合作协议"),
    "cooperation": ("Clinical research collaboration", "临床研究合作协议"),
    "framework": ("Framework agreement on a screening programme", "筛查项目框架协议"),
    "mou": ("Memorandum of understanding on market access in China", "中国市场准入合作备忘录"),
    "joint_development": ("Joint development of companion diagnostics", "伴随诊断联合开发协议"),
    "commercialisation": ("Commercialisation of a digital health platform", "数字健康平台商业化协议"),
    "investment": ("Investment agreement", "投资协议"),
    "licensing": ("Licence of a gene panel", "基因检测产品许可协议"),
    "residency": ("Residency and lab services", "入驻及实验室服务协议"),
    "procurement": ("Procurement of laboratory equipment", "实验室设备采购协议"),
    "other": ("Cooperation agreement", "合作协议"),
}

MILESTONE_TITLES = {
    "lab_opened": "Opened a laboratory",
    "facility_opened": "Opened a production facility",
    "certification": "Obtained ISO 13485 certification",
    "regulatory": "Received NMPA approval",
    "market_reach": "Devices in use in hospitals",
    "product_launch": "Launched a new product",
    "funding": "Closed a financing round",
    "other": "Joined an industry alliance",
}

TARGET_METRICS = [
    ("People screened", "people"),
    ("Hospitals reached", "hospitals"),
    ("Samples sequenced", "samples"),
    ("Patients enrolled", "patients"),
    ("Clinics connected", "clinics"),
]

PROGRAMME_THEMES = [
    ("Lung cancer screening", "肺癌筛查"),
    ("Chronic respiratory disease management", "慢性呼吸系统疾病管理"),
    ("Newborn genetic screening", "新生儿基因筛查"),
    ("Colorectal cancer early detection", "结直肠癌早筛"),
    ("Cardiovascular risk programme", "心血管风险项目"),
]
