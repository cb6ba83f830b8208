"""Every land border and international airport in use for expulsion, with the nationalities
expelled through each (an airport: every nationality), so that an order can be given for any
nationality the register offers (people.models.Nationality: AF, IQ, PK and others)."""

from django.db import migrations

AIRPORT_ALL = []
# name, province slug, kind, neighbour, nationalities
POINTS = [
    ("مرز دوغارون", "razavi-khorasan", "land", "افغانستان", ["AF"]),
    ("مرز میلک", "sistan-baluchestan", "land", "افغانستان", ["AF"]),
    ("مرز ماهیرود", "south-khorasan", "land", "افغانستان", ["AF"]),
    ("مرز میرجاوه", "sistan-baluchestan", "land", "پاکستان", ["PK"]),
    ("مرز ریمدان", "sistan-baluchestan", "land", "پاکستان", ["PK"]),
    ("مرز پیشین", "sistan-baluchestan", "land", "پاکستان", ["PK"]),
    ("مرز مهران", "ilam", "land", "عراق", ["IQ"]),
    ("مرز شلمچه", "khuzestan", "land", "عراق", ["IQ"]),
    ("مرز چذابه", "khuzestan", "land", "عراق", ["IQ"]),
    ("مرز خسروی", "kermanshah", "land", "عراق", ["IQ"]),
    ("مرز پرویزخان", "kermanshah", "land", "عراق", ["IQ"]),
    ("مرز باشماق", "kurdistan", "land", "عراق", ["IQ"]),
    ("مرز تمرچین", "west-azerbaijan", "land", "عراق", ["IQ"]),
    ("مرز بازرگان", "west-azerbaijan", "land", "ترکیه", ["XX"]),
    ("مرز سرو", "west-azerbaijan", "land", "ترکیه", ["XX"]),
    ("مرز رازی", "west-azerbaijan", "land", "ترکیه", ["XX"]),
    ("مرز نوردوز", "east-azerbaijan", "land", "ارمنستان", ["XX"]),
    ("مرز جلفا", "east-azerbaijan", "land", "جمهوری آذربایجان", ["XX"]),
    ("مرز آستارا", "gilan", "land", "جمهوری آذربایجان", ["XX"]),
    ("مرز بیله‌سوار", "ardabil", "land", "جمهوری آذربایجان", ["XX"]),
    ("مرز سرخس", "razavi-khorasan", "land", "ترکمنستان", ["XX"]),
    ("مرز باجگیران", "razavi-khorasan", "land", "ترکمنستان", ["XX"]),
    ("مرز لطف‌آباد", "razavi-khorasan", "land", "ترکمنستان", ["XX"]),
    ("مرز اینچه‌برون", "golestan", "land", "ترکمنستان", ["XX"]),
    ("فرودگاه بین‌المللی امام خمینی", "tehran", "airport", "", AIRPORT_ALL),
    ("فرودگاه بین‌المللی شهید هاشمی‌نژاد مشهد", "razavi-khorasan", "airport", "", AIRPORT_ALL),
    ("فرودگاه بین‌المللی شهید دستغیب شیراز", "fars", "airport", "", AIRPORT_ALL),
    ("فرودگاه بین‌المللی شهید بهشتی اصفهان", "isfahan", "airport", "", AIRPORT_ALL),
    ("فرودگاه بین‌المللی شهید مدنی تبریز", "east-azerbaijan", "airport", "", AIRPORT_ALL),
    ("فرودگاه بین‌المللی زاهدان", "sistan-baluchestan", "airport", "", AIRPORT_ALL),
    ("فرودگاه بین‌المللی شهید سلیمانی اهواز", "khuzestan", "airport", "", AIRPORT_ALL),
    ("فرودگاه بین‌المللی بندرعباس", "hormozgan", "airport", "", AIRPORT_ALL),
]


def load(apps, schema_editor):
    Province = apps.get_model("reference", "Province")
    BorderPoint = apps.get_model("reference", "BorderPoint")
    for name, province, kind, neighbour, nationalities in POINTS:
        BorderPoint.objects.update_or_create(
            name=name,
            defaults={
                "province": Province.objects.get(slug=province),
                "kind": kind,
                "neighbour": neighbour,
                "nationalities": nationalities,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("reference", "0003_border_kinds_yearly_policy")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
