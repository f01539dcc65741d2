"""The demo registries' sizes, names and random helpers: how many records of each kind,
where they are and what they are called (luzhi.demo.registries creates them)."""

import random
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta

from django.utils import timezone

from luzhi.accounts.models import City
from luzhi.registry.credit_code import ALPHABET
from luzhi.registry.credit_code import check_character
from luzhi.registry.models import Platform
from luzhi.registry.models import Project
from luzhi.registry.models import Segment
from luzhi.registry.models import Talent

BASELINE_YEAR = 2024
ENTERPRISES = 3000
FIRST_REGISTERED = date(
    2025, 1, 20
)  # the registries were first loaded (records of 2024 and before)

# Platforms per kind: how many AI platforms existed at the end of 2024 (the major kinds add up
# to the 62 of the baseline) and how many are approved per year from 2025 on.
PLATFORMS = {
    # kind: (before 2025, per year after)
    Platform.Kind.NATIONAL_MAJOR: (2, 0.6),
    Platform.Kind.NATIONAL_KEY_LAB: (6, 0.7),
    Platform.Kind.PROVINCIAL_LAB: (3, 0.8),
    Platform.Kind.PROVINCIAL_KEY_LAB: (25, 10.5),
    Platform.Kind.TECH_INNOVATION_CENTER: (18, 5.5),
    Platform.Kind.UNIVERSITY_INSTITUTE: (8, 0.5),
    Platform.Kind.INCUBATOR: (10, 2.2),
    Platform.Kind.PROOF_OF_CONCEPT: (12, 4),
    Platform.Kind.PILOT_BASE: (15, 5),
    Platform.Kind.INDUSTRY_PARK: (2, 1.2),
    Platform.Kind.FUTURE_INDUSTRY_ZONE: (2, 1),
}
PLATFORM_HOSTS = [
    "山东大学",
    "中国海洋大学",
    "中国石油大学(华东)",
    "山东科技大学",
    "齐鲁工业大学(山东省科学院)",
    "青岛大学",
    "济南大学",
    "山东师范大学",
    "浪潮集团有限公司",
    "海尔集团公司",
    "海信集团控股股份有限公司",
    "歌尔股份有限公司",
    "潍柴控股集团有限公司",
    "山东高速集团有限公司",
    "国家超级计算济南中心",
]
TALENT_PER_YEAR = {
    Talent.Level.NATIONAL: (18, 29),
    Talent.Level.PROVINCIAL: (35, 52),
}  # before, after
TALENT_PROGRAMMES = {
    Talent.Level.NATIONAL: [
        "国家杰出青年科学基金",
        "国家优秀青年科学基金",
        "国家级领军人才",
        "国家级青年人才",
    ],
    Talent.Level.PROVINCIAL: ["泰山学者", "泰山产业领军人才", "山东省杰出青年基金", "齐鲁青年人才"],
}
FIELDS = [
    "多模态智能",
    "生成式智能",
    "类脑智能",
    "具身智能",
    "群体智能",
    "智能芯片",
    "计算机视觉",
    "自然语言处理",
]
PROJECTS_PER_YEAR = {  # programme: (per year, registration seasonality by quarter)
    Project.Programme.BASIC_RESEARCH: (172, (0.22, 0.38, 0.28, 0.12)),
    Project.Programme.KEY_RD: (24, (0.1, 0.3, 0.4, 0.2)),
    Project.Programme.MAJOR_TECH: (9, (0.1, 0.3, 0.4, 0.2)),
    Project.Programme.SME_CAPABILITY: (14, (0.1, 0.3, 0.4, 0.2)),
    Project.Programme.OTHER_PROVINCIAL: (8, (0.1, 0.3, 0.4, 0.2)),
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉晨阳浩宇博文凯"
WORDS = [
    "智能",
    "数智",
    "云图",
    "星河",
    "量子",
    "天衡",
    "鲁信",
    "海岳",
    "泰来",
    "齐智",
    "远见",
    "灵犀",
    "深蓝",
    "知行",
    "睿思",
    "明视",
    "慧通",
    "新元",
    "启航",
    "九章",
]
SUFFIX = [
    "科技有限公司",
    "信息技术有限公司",
    "智能科技股份有限公司",
    "软件有限公司",
    "机器人有限公司",
]
SEGMENT_WEIGHTS = {
    Segment.CHIPS: 3,
    Segment.SERVERS: 3,
    Segment.BASE_SOFTWARE: 8,
    Segment.LARGE_MODELS: 6,
    Segment.ROBOTS: 9,
    Segment.SMART_HARDWARE: 14,
    Segment.APPLICATIONS: 36,
    Segment.DATA_SERVICES: 15,
    Segment.OTHER: 6,
}
DOMAINS = [
    "智能制造",
    "智慧医疗",
    "智慧交通",
    "智慧农业",
    "智慧港口",
    "金融风控",
    "智慧能源",
    "政务服务",
    "海洋监测",
]


@dataclass
class RegistrySummary:
    """What ``registries_seed`` and ``registries_snapshot`` did."""

    enterprises: int = 0
    platforms: int = 0
    talent: int = 0
    projects: int = 0
    achievements: int = 0
    products: int = 0
    snapshots: int = 0
    skipped: bool = False
    seconds: float = 0.0

    def line(self) -> str:
        if self.skipped:
            text = f"registries kept: {self.enterprises} enterprises"
        else:
            text = (
                f"registries: {self.enterprises} enterprises, {self.platforms} platforms, "
                f"{self.talent} talent, {self.projects} projects, {self.achievements} achievements, "
                f"{self.products} algorithm products"
            )
        if self.snapshots:
            text += f", {self.snapshots} computed values"
        return f"{text} in {self.seconds:.1f} s"


class RandomDates:
    """Random days, never after ``today``."""

    def __init__(self, rng: random.Random, today: date):
        self.rng, self.today = rng, today

    def in_year(self, year: int, seasonality=(0.25, 0.25, 0.25, 0.25)) -> date | None:
        quarter = self.rng.choices(range(4), weights=seasonality)[0]
        start = date(year, 3 * quarter + 1, 1)
        day = start + timedelta(days=self.rng.randrange(90))
        return day if day <= self.today else None

    def between(self, first: date, last: date) -> date:
        last = min(last, self.today)
        return first + timedelta(days=self.rng.randrange(max(1, (last - first).days + 1)))


def count_near(rng: random.Random, mean: float) -> int:
    """An integer near ``mean`` (Poisson-like spread, reproducible)."""
    whole, frac = int(mean), mean - int(mean)
    noise = round(rng.gauss(0, mean**0.5 * 0.5)) if mean >= 4 else 0
    return max(0, whole + (rng.random() < frac) + noise)


def aware(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10))


def new_credit_code(rng: random.Random, city: City, used: set[str]) -> str:
    while True:
        body = "91" + city.code[:4] + f"{rng.randrange(1, 100):02d}"
        body += "".join(rng.choice(ALPHABET) for _ in range(9))
        code = body + check_character(body)
        if code not in used:
            used.add(code)
            return code


def company_name(rng: random.Random, city: City, used: set[str]) -> str:
    """A plausible company name: the city, two or three different words, a suffix."""
    while True:
        suffix = rng.choice(SUFFIX)
        words = [w for w in WORDS if w not in suffix]  # no 智能智能科技
        name = f"{city.name}{''.join(rng.sample(words, 2))}{suffix}"
        if name not in used:
            used.add(name)
            return name
        name = f"山东{''.join(rng.sample(words, 3))}{suffix}"
        if name not in used:
            used.add(name)
            return name
