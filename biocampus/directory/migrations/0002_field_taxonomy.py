"""The field taxonomy: the areas campus residents work in, in English and Chinese.

Reference data, so it ships with the schema. Reversing removes exactly the entries listed here
(children before parents); entries added later by admins are left alone.
"""

from django.db import migrations

# (slug, name, name_zh, parent slug)
FIELDS = [
    ("drug-rd", "Drug R&D", "药物研发", None),
    ("clinical-research", "Clinical research", "临床研究", "drug-rd"),
    ("cro-cdmo", "CRO / CDMO", "CRO/CDMO 研发生产外包", "drug-rd"),
    ("gene-sequencing", "Gene sequencing", "基因测序", None),
    ("diagnostics", "Diagnostics", "诊断", None),
    ("companion-diagnostics", "Companion diagnostics", "伴随诊断", "diagnostics"),
    ("genetic-testing", "Genetic testing", "基因检测", "diagnostics"),
    ("medical-testing-lab", "Medical testing laboratory", "医学检验实验室", "diagnostics"),
    ("screening", "Disease screening", "疾病筛查", "diagnostics"),
    ("medical-devices", "Medical devices", "医疗器械", None),
    ("wearables", "Wearables", "可穿戴设备", "medical-devices"),
    ("digital-health", "Digital health", "数字健康", None),
    ("big-data-ai", "Big data and AI", "大数据与人工智能", "digital-health"),
    ("internet-hospital", "Internet hospital", "互联网医院", "digital-health"),
    ("oncology", "Oncology", "肿瘤", None),
    ("chronic-respiratory-disease", "Chronic respiratory disease", "慢性呼吸系统疾病", None),
    ("cardiovascular", "Cardiovascular disease", "心血管疾病", None),
    ("medical-procurement", "Medical procurement and market access", "医药招标采购与市场准入", None),
    ("healthcare-investment", "Healthcare investment", "医疗健康投资", None),
]


def create_fields(apps, schema_editor):
    Field = apps.get_model("directory", "Field")
    for slug, name, name_zh, parent_slug in FIELDS:
        parent = Field.objects.get(slug=parent_slug) if parent_slug else None
        Field.objects.get_or_create(slug=slug, defaults={"name": name, "name_zh": name_zh, "parent": parent})


def delete_fields(apps, schema_editor):
    Field = apps.get_model("directory", "Field")
    # Children first: a field's parent is protected while it has children.
    for slug, _name, _name_zh, _parent in reversed(FIELDS):
        Field.objects.filter(slug=slug, children__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_fields, delete_fields),
    ]
