"""Seed the default reminder rules (programme = empty) and the time zone of every province.

Reversible: going back removes exactly the rows added here (by kind and recipient for rules, by
Kemendagri code for provinces)."""

import datetime as dt

from django.db import migrations

STOP = {
    "id": " Balas STOP bila tidak ingin menerima pesan ini lagi.",
    "en": " Reply STOP if you no longer want these messages.",
}

DEFAULT_RULES = [
    {
        "kind": "antenatal_education",
        "recipient_role": "mother",
        "send_at": dt.time(9, 0),
        "every_days": 7,
        "stale_after_minutes": 3 * 24 * 60,
        "message_id": (
            "Ibu {mother}, usia kehamilan Anda {week} minggu. Saatnya bersiap menyusui: susui bayi "
            "segera setelah lahir (IMD), berikan ASI saja sampai 6 bulan, dan ajak suami atau "
            "keluarga belajar pijat oksitosin dari kader." + STOP["id"]
        ),
        "message_en": (
            "Dear {mother}, you are {week} weeks pregnant. Time to get ready to breastfeed: put "
            "your baby to the breast right after birth, give only breast milk for 6 months, and "
            "ask your husband or family to learn the oxytocin massage from the cadre." + STOP["en"]
        ),
        "whatsapp_template": "kaderasi_antenatal_education",
        "whatsapp_parameters": "mother,week",
        "source": (
            "Sari & Agustina (Pandes 2018): cadres remind pregnant mothers to prepare for "
            "breastfeeding from 36 weeks (the programme's antenatal start week), here weekly at "
            "09:00 until the delivery is recorded. The 36-week start is the paper's claim, not "
            "verified against a guideline (domain reference §5.2 [?]). Exclusive breastfeeding "
            "for six months: PP 33/2012."
        ),
    },
    {
        "kind": "session_due",
        "recipient_role": "cadre",
        "offset_minutes": -30,
        "stale_after_minutes": 12 * 60,
        "message_id": (
            "Pengingat pijat oksitosin: {mother}, hari ini {start}–{end} {zone} (hari ke-{day} "
            "setelah melahirkan, sesi {slot})."
        ),
        "message_en": (
            "Oxytocin massage reminder: {mother}, today {start}–{end} {zone} (postpartum day {day}, "
            "session {slot})."
        ),
        "whatsapp_template": "kaderasi_session_cadre",
        "whatsapp_parameters": "mother,start,end,zone,day,slot",
        "source": (
            "Programme protocol (Pandes 2018): two sessions a day of 10–15 minutes for three "
            "days. Half an hour before each window [S], so the visit can be planned; never sent "
            "after the window closes."
        ),
    },
    {
        "kind": "session_due",
        "recipient_role": "family",
        "offset_minutes": -30,
        "stale_after_minutes": 12 * 60,
        "message_id": (
            "Halo {recipient}, waktunya pijat oksitosin untuk {mother} antara pukul {start} dan "
            "{end} {zone}, selama {minutes} menit. Terima kasih sudah mendampingi ibu." + STOP["id"]
        ),
        "message_en": (
            "Hello {recipient}, it is time for {mother}'s oxytocin massage between {start} and "
            "{end} {zone}, for {minutes} minutes. Thank you for supporting her." + STOP["en"]
        ),
        "whatsapp_template": "kaderasi_session_family",
        "whatsapp_parameters": "recipient,mother,start,end,zone,minutes",
        "source": (
            "Programme protocol (Pandes 2018): the cadre teaches the husband or family to massage "
            "twice a day. Half an hour before each window [S]."
        ),
    },
    {
        "kind": "session_due",
        "recipient_role": "mother",
        "offset_minutes": -30,
        "stale_after_minutes": 12 * 60,
        "message_id": (
            "Ibu {mother}, waktunya pijat oksitosin antara pukul {start} dan {end} {zone}, selama "
            "{minutes} menit." + STOP["id"]
        ),
        "message_en": (
            "Dear {mother}, it is time for your oxytocin massage between {start} and {end} {zone}, "
            "for {minutes} minutes." + STOP["en"]
        ),
        "whatsapp_template": "kaderasi_session_mother",
        "whatsapp_parameters": "mother,start,end,zone,minutes",
        "source": (
            "Sent to the mother only when no family member who massages is recorded. Half an "
            "hour before each window [S]."
        ),
    },
    {
        "kind": "baseline_measurement",
        "recipient_role": "cadre",
        "offset_minutes": -60,
        "stale_after_minutes": 60,
        "message_id": (
            "Ukur volume ASI awal {mother} sebelum pijat pertama (mulai pukul {start} {zone}, "
            "{date})."
        ),
        "message_en": (
            "Measure {mother}'s baseline milk volume before the first massage (from {start} {zone}, "
            "{date})."
        ),
        "whatsapp_template": "kaderasi_baseline_measurement",
        "whatsapp_parameters": "mother,start,zone,date",
        "source": (
            "Evaluation design (Pandes 2018): milk volume before the first massage (baseline). An "
            "hour before the first window [S]; skipped once the first massage may have begun."
        ),
    },
    {
        "kind": "follow_up_measurement",
        "recipient_role": "cadre",
        "offset_minutes": 0,
        "stale_after_minutes": 24 * 60,
        "message_id": (
            "Ukur volume ASI lanjutan {mother} sekarang: sesi pijat terakhir (hari ke-{day}) "
            "sudah lewat."
        ),
        "message_en": (
            "Measure {mother}'s follow-up milk volume now: the last massage session (postpartum "
            "day {day}) is over."
        ),
        "whatsapp_template": "kaderasi_follow_up_measurement",
        "whatsapp_parameters": "mother,day",
        "source": (
            "Evaluation design (Pandes 2018): milk volume again after the last day of massage "
            "(day 3). Due when the last session window closes [S]."
        ),
    },
    {
        "kind": "feeding_guidance",
        "recipient_role": "mother",
        "send_at": dt.time(8, 0),
        "first_day": 1,
        "last_day": 3,
        "stale_after_minutes": 12 * 60,
        "message_id": (
            "Ibu {mother}, hari ke-{day} setelah melahirkan: susui bayi sesering mungkin, 8–12 "
            "kali sehari, siang dan malam. Makin sering bayi menyusu, makin banyak ASI."
            + STOP["id"]
        ),
        "message_en": (
            "Dear {mother}, postpartum day {day}: feed your baby as often as possible, 8–12 times "
            "a day, day and night. The more your baby feeds, the more milk you make." + STOP["en"]
        ),
        "whatsapp_template": "kaderasi_feeding_guidance",
        "whatsapp_parameters": "mother,day",
        "source": (
            "Newborns feed 8–12 times in 24 hours (domain reference §3.3 [F]: ABM, the paper). "
            "Days 1–3, while milk comes in, at 08:00 [S]."
        ),
    },
    {
        "kind": "missed_session",
        "recipient_role": "midwife",
        "offset_minutes": 120,
        "stale_after_minutes": 24 * 60,
        "message_id": (
            "Sesi pijat oksitosin {mother} (hari ke-{day}, sesi {slot}, {start}–{end} {zone}) belum "
            "tercatat. Kader: {cadre}. Mohon ditindaklanjuti."
        ),
        "message_en": (
            "The oxytocin massage of {mother} (postpartum day {day}, session {slot}, "
            "{start}–{end} {zone}) was not recorded. Cadre: {cadre}. Please follow up."
        ),
        "whatsapp_template": "kaderasi_missed_session",
        "whatsapp_parameters": "mother,day,slot,start,end,zone,cadre",
        "source": (
            "[S] The midwife follows up a session still unrecorded two hours after its window "
            "closed (a cadre may record late when offline). Change the delay per programme."
        ),
    },
    {
        "kind": "certificate_refresher",
        "recipient_role": "cadre",
        "send_at": dt.time(9, 0),
        "lead_days": 30,
        "stale_after_minutes": 7 * 24 * 60,
        "message_id": (
            "Kader {cadre}, sertifikat pijat oksitosin Anda berlaku sampai {expires}. Hubungi "
            "koordinator untuk pelatihan penyegaran."
        ),
        "message_en": (
            "Cadre {cadre}, your oxytocin massage certificate is valid until {expires}. Contact "
            "your coordinator for a refresher training."
        ),
        "whatsapp_template": "kaderasi_certificate_refresher",
        "whatsapp_parameters": "cadre,expires",
        "source": (
            "[S] A month's notice (or the refresher date on the certificate, if earlier) leaves "
            "time to schedule a refresher before the certificate expires."
        ),
    },
    {
        "kind": "morning_digest",
        "recipient_role": "cadre",
        "send_at": dt.time(6, 0),
        "stale_after_minutes": 6 * 60,
        "respects_quiet_hours": False,
        "message_id": "Selamat pagi, {cadre}. Tugas Anda hari ini, {date}:\n{tasks}",
        "message_en": "Good morning, {cadre}. Your tasks today, {date}:\n{tasks}",
        "whatsapp_template": "kaderasi_morning_digest",
        "whatsapp_parameters": "cadre,date,tasks",
        "source": (
            "[S] One message per cadre per day listing the day's sessions, measurements and "
            "antenatal visits, at 06:00 before the first morning sessions. It does not wait for "
            "quiet hours to end: the cadre expects her plan at dawn."
        ),
    },
]

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"

# Kemendagri province codes (38 provinces since 2022) and their legal time zones.
PROVINCES = [
    ("11", "Aceh", "Nanggroe Aceh Darussalam", WIB),
    ("12", "Sumatera Utara", "Sumut, North Sumatra", WIB),
    ("13", "Sumatera Barat", "Sumbar, West Sumatra", WIB),
    ("14", "Riau", "", WIB),
    ("15", "Jambi", "", WIB),
    ("16", "Sumatera Selatan", "Sumsel, South Sumatra", WIB),
    ("17", "Bengkulu", "", WIB),
    ("18", "Lampung", "", WIB),
    ("19", "Kepulauan Bangka Belitung", "Bangka Belitung, Babel", WIB),
    ("21", "Kepulauan Riau", "Kepri", WIB),
    ("31", "DKI Jakarta", "Jakarta, Daerah Khusus Ibukota Jakarta, Daerah Khusus Jakarta", WIB),
    ("32", "Jawa Barat", "Jabar, West Java", WIB),
    ("33", "Jawa Tengah", "Jateng, Central Java", WIB),
    ("34", "DI Yogyakarta", "Daerah Istimewa Yogyakarta, DIY, Yogyakarta", WIB),
    ("35", "Jawa Timur", "Jatim, East Java", WIB),
    ("36", "Banten", "", WIB),
    ("51", "Bali", "", WITA),
    ("52", "Nusa Tenggara Barat", "NTB, West Nusa Tenggara", WITA),
    ("53", "Nusa Tenggara Timur", "NTT, East Nusa Tenggara", WITA),
    ("61", "Kalimantan Barat", "Kalbar, West Kalimantan", WIB),
    ("62", "Kalimantan Tengah", "Kalteng, Central Kalimantan", WIB),
    ("63", "Kalimantan Selatan", "Kalsel, South Kalimantan", WITA),
    ("64", "Kalimantan Timur", "Kaltim, East Kalimantan", WITA),
    ("65", "Kalimantan Utara", "Kaltara, North Kalimantan", WITA),
    ("71", "Sulawesi Utara", "Sulut, North Sulawesi", WITA),
    ("72", "Sulawesi Tengah", "Sulteng, Central Sulawesi", WITA),
    ("73", "Sulawesi Selatan", "Sulsel, South Sulawesi", WITA),
    ("74", "Sulawesi Tenggara", "Sultra, Southeast Sulawesi", WITA),
    ("75", "Gorontalo", "", WITA),
    ("76", "Sulawesi Barat", "Sulbar, West Sulawesi", WITA),
    ("81", "Maluku", "", WIT),
    ("82", "Maluku Utara", "Malut, North Maluku", WIT),
    ("91", "Papua", "", WIT),
    ("92", "Papua Barat", "West Papua", WIT),
    ("93", "Papua Selatan", "South Papua", WIT),
    ("94", "Papua Tengah", "Central Papua", WIT),
    ("95", "Papua Pegunungan", "Highland Papua", WIT),
    ("96", "Papua Barat Daya", "Southwest Papua", WIT),
]


def seed(apps, schema_editor):
    ReminderRule = apps.get_model("reminders", "ReminderRule")
    ProvinceTimeZone = apps.get_model("reminders", "ProvinceTimeZone")
    for values in DEFAULT_RULES:
        fields = dict(values)
        kind, role = fields.pop("kind"), fields.pop("recipient_role")
        ReminderRule.objects.update_or_create(
            programme=None, kind=kind, recipient_role=role, defaults=fields
        )
    for code, name, aliases, zone in PROVINCES:
        ProvinceTimeZone.objects.update_or_create(
            code=code, defaults={"name": name, "aliases": aliases, "time_zone": zone}
        )


def unseed(apps, schema_editor):
    ReminderRule = apps.get_model("reminders", "ReminderRule")
    ProvinceTimeZone = apps.get_model("reminders", "ProvinceTimeZone")
    for values in DEFAULT_RULES:
        ReminderRule.objects.filter(
            programme=None, kind=values["kind"], recipient_role=values["recipient_role"]
        ).delete()
    ProvinceTimeZone.objects.filter(code__in=[code for code, *_ in PROVINCES]).delete()


class Migration(migrations.Migration):
    dependencies = [("reminders", "0001_outbox_rules_contacts")]

    operations = [migrations.RunPython(seed, unseed)]
