"""Public holidays 2025–2027 that fall on weekdays (Labour Code 2019 Art. 112 and the government's announced
Tết, Hùng Kings' day and compensatory days). Operators keep the list in the admin ("Ngày nghỉ lễ") or with
`manage.py holidays`; check each year's official announcement."""

from datetime import date

from django.db import migrations

HOLIDAYS = [
    (date(2025, 1, 1), "Tết Dương lịch"),
    *[(date(2025, 1, d), "Tết Nguyên đán") for d in (27, 28, 29, 30, 31)],
    (date(2025, 4, 7), "Giỗ Tổ Hùng Vương"),
    (date(2025, 4, 30), "Ngày Chiến thắng"),
    (date(2025, 5, 1), "Ngày Quốc tế Lao động"),
    (date(2025, 5, 2), "Nghỉ bù dịp 30/4 – 1/5"),
    (date(2025, 9, 1), "Quốc khánh"),
    (date(2025, 9, 2), "Quốc khánh"),
    (date(2026, 1, 1), "Tết Dương lịch"),
    *[(date(2026, 2, d), "Tết Nguyên đán") for d in (16, 17, 18, 19, 20)],
    (date(2026, 4, 27), "Nghỉ bù Giỗ Tổ Hùng Vương"),
    (date(2026, 4, 30), "Ngày Chiến thắng"),
    (date(2026, 5, 1), "Ngày Quốc tế Lao động"),
    (date(2026, 9, 1), "Quốc khánh"),
    (date(2026, 9, 2), "Quốc khánh"),
    (date(2027, 1, 1), "Tết Dương lịch"),
    *[(date(2027, 2, d), "Tết Nguyên đán") for d in (4, 5, 8, 9, 10)],
    (date(2027, 4, 16), "Giỗ Tổ Hùng Vương"),
    (date(2027, 4, 30), "Ngày Chiến thắng"),
    (date(2027, 5, 3), "Nghỉ bù Ngày Quốc tế Lao động"),
    (date(2027, 9, 2), "Quốc khánh"),
    (date(2027, 9, 3), "Quốc khánh"),
]


def seed(apps, schema_editor):
    PublicHoliday = apps.get_model("sites", "PublicHoliday")
    for day, name in HOLIDAYS:
        PublicHoliday.objects.get_or_create(date=day, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("sites", "0005_publicholiday")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
