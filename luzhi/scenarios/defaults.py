"""The domains and recognition levels LuZhi starts with (the plan office edits them later).

Loaded by migration 0002 and by :func:`services.catalogue.catalogue_sync` (tests,
demo); existing rows are left as the office set them.
"""

#: (code, name, order): the plan's domains (六/(二) names 工业制造、现代海洋、医疗健康) and
#: those the province's scenario lists use.
DOMAINS = [
    ("industry", "工业制造", 10),
    ("ocean", "现代海洋", 20),
    ("health", "医疗健康", 30),
    ("government", "智慧政务", 40),
    ("home", "智慧家庭", 50),
    ("transport", "交通物流", 60),
    ("education", "教育", 70),
    ("agriculture", "农业", 80),
    ("energy", "能源化工", 90),
    ("finance", "金融", 100),
    ("culture", "文化旅游", 110),
    ("other", "其他", 900),
]

#: (code, name, order, counts_as_leading, marks_benchmark)
LEVELS = [
    ("typical_case", "典型案例", 10, True, False),
    ("benchmark", "标杆场景", 20, True, True),
    ("national_leading", "全国领先", 30, True, True),
]


def load_defaults(Domain, RecognitionLevel) -> int:  # noqa: N803  (model classes)
    """Create the default rows that are missing; returns how many were created."""
    created = 0
    for code, name, order in DOMAINS:
        _obj, new = Domain.objects.get_or_create(code=code, defaults={"name": name, "order": order})
        created += new
    for code, name, order, leading, benchmark in LEVELS:
        _obj, new = RecognitionLevel.objects.get_or_create(
            code=code,
            defaults={"name": name, "order": order, "counts_as_leading": leading, "marks_benchmark": benchmark},
        )
        created += new
    return created
