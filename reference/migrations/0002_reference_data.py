"""The 31 provinces (with the two-digit codes used in case numbers), the identity document types of
the service card, and the main border points for expulsion."""

from django.db import migrations

PROVINCES = [
    ("00", "markazi", "مرکزی"),
    ("01", "gilan", "گیلان"),
    ("02", "mazandaran", "مازندران"),
    ("03", "east-azerbaijan", "آذربایجان شرقی"),
    ("04", "west-azerbaijan", "آذربایجان غربی"),
    ("05", "kermanshah", "کرمانشاه"),
    ("06", "khuzestan", "خوزستان"),
    ("07", "fars", "فارس"),
    ("08", "kerman", "کرمان"),
    ("09", "razavi-khorasan", "خراسان رضوی"),
    ("10", "isfahan", "اصفهان"),
    ("11", "sistan-baluchestan", "سیستان و بلوچستان"),
    ("12", "kurdistan", "کردستان"),
    ("13", "hamadan", "همدان"),
    ("14", "chaharmahal-bakhtiari", "چهارمحال و بختیاری"),
    ("15", "lorestan", "لرستان"),
    ("16", "ilam", "ایلام"),
    ("17", "kohgiluyeh-boyer-ahmad", "کهگیلویه و بویراحمد"),
    ("18", "bushehr", "بوشهر"),
    ("19", "zanjan", "زنجان"),
    ("20", "semnan", "سمنان"),
    ("21", "yazd", "یزد"),
    ("22", "hormozgan", "هرمزگان"),
    ("23", "tehran", "تهران"),
    ("24", "ardabil", "اردبیل"),
    ("25", "qom", "قم"),
    ("26", "qazvin", "قزوین"),
    ("27", "golestan", "گلستان"),
    ("28", "north-khorasan", "خراسان شمالی"),
    ("29", "south-khorasan", "خراسان جنوبی"),
    ("30", "alborz", "البرز"),
]

# code, name, the longest validity from issue to expiry (days), whether a series is printed on it
DOCUMENT_TYPES = [
    ("amayesh", "کارت آمایش", 730, False),
    ("travel_permit_90", "برگه تردد ۹۰ روزه", 90, False),
]

BORDER_POINTS = [
    ("مرز دوغارون", "razavi-khorasan"),
    ("مرز میلک", "sistan-baluchestan"),
    ("مرز ماهیرود", "south-khorasan"),
]


def load(apps, schema_editor):
    Province = apps.get_model("reference", "Province")
    DocumentType = apps.get_model("reference", "DocumentType")
    BorderPoint = apps.get_model("reference", "BorderPoint")
    for code, slug, name in PROVINCES:
        Province.objects.update_or_create(slug=slug, defaults={"code": code, "name": name})
    for code, name, max_days, series in DOCUMENT_TYPES:
        DocumentType.objects.update_or_create(
            code=code,
            defaults={"name": name, "max_validity_days": max_days, "requires_series": series},
        )
    for name, province in BORDER_POINTS:
        BorderPoint.objects.update_or_create(
            name=name, defaults={"province": Province.objects.get(slug=province)}
        )


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
