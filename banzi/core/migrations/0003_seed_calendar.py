"""Seed the working-day calendar from the chinesecalendar library (the years it knows)."""
from django.db import migrations

FIRST_YEAR = 2016

NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def seed(apps, schema_editor):
    from chinese_calendar import constants

    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    days = []
    years = set()
    for kind, table in (("rest", constants.holidays), ("work", constants.workdays)):
        for day, name in table.items():
            if day.year < FIRST_YEAR:
                continue
            years.add(day.year)
            days.append(CalendarDay(date=day, kind=kind, name=NAMES.get(str(name), str(name))))
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create([d for d in days if d.date not in existing])
    for year in sorted(years):
        CalendarYear.objects.get_or_create(year=year, defaults={"is_published": True, "source": "chinesecalendar"})


class Migration(migrations.Migration):
    dependencies = [("core", "0002_calendar_and_rules")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
