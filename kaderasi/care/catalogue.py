"""The care catalogue as first shipped: flag rules, danger signs, massage steps and consent texts,
each with its source. They are DATA: a data migration loads them once and a coordinator edits them
in the admin afterwards (a clinician changes a threshold without a deploy). `catalogue_ensure`
only creates what is missing, so it never undoes an edit."""

import datetime as dt

SOURCE_FLAG_PROPOSAL = (
    "Proposed rule (domain reference §3.5, marked [S]): needs the programme midwife's sign-off "
    "before it is relied on."
)

FLAG_RULES: list[dict] = [
    {
        "code": "danger_sign",
        "severity": "red",
        "title_id": "Tanda bahaya atau kondisi henti-dan-rujuk",
        "title_en": "Danger sign or stop-and-refer condition",
        "parameters": {},
        "source": SOURCE_FLAG_PROPOSAL
        + " Any maternal or newborn danger sign (§3.4: Indonesian health-education leaflet; "
        "Buku KIA-based education) or stop-and-refer condition before a massage (§1.3).",
    },
    {
        "code": "infant_weight_loss_referral",
        "severity": "red",
        "title_id": "Berat bayi turun banyak dari berat lahir",
        "title_en": "Large infant weight loss from birth weight",
        "parameters": {"loss_percent_at_least": 10},
        "source": SOURCE_FLAG_PROPOSAL
        + " §3.2: a loss at or near 10 % needs a feeding plan; above 10 % raises the risk of "
        "hypernatraemia (Galactapedia, https://galactapedia.org/weight-loss/; ABM).",
    },
    {
        "code": "infant_weight_loss_review",
        "severity": "amber",
        "title_id": "Berat bayi turun, perlu ditinjau",
        "title_en": "Infant weight loss to review",
        "parameters": {"loss_percent_above": 7},
        "source": SOURCE_FLAG_PROPOSAL
        + " §3.2: a loss above 7 % prompts a lactation evaluation (Galactapedia; AAP via "
        "HealthyChildren). Mean loss of exclusively breastfed infants is 5.7-6.6 % (SD ~2 %).",
    },
    {
        "code": "wet_nappies_below_day_of_life",
        "severity": "red",
        "title_id": "BAK bayi lebih jarang dari umur bayi (hari)",
        "title_en": "Fewer wet nappies than the day of life",
        "parameters": {"from_day": 3, "expected_at_most": 6},
        "source": SOURCE_FLAG_PROPOSAL
        + " §3.3: wet nappies equal the day of life up to day 5, then at least 6 a day "
        "(HSE Ireland; UnityPoint).",
    },
    {
        "code": "no_stool_by_48_hours",
        "severity": "red",
        "title_id": "Bayi belum BAB sampai 48 jam",
        "title_en": "No stool by 48 hours",
        "parameters": {"hours": 48},
        "source": SOURCE_FLAG_PROPOSAL + " §3.3: 99 % of newborns have passed stool by 48 h "
        "(https://blk-pediatric-practice.com/2020/12/10/stool-colour-frequency/).",
    },
    {
        "code": "feeds_below_minimum",
        "severity": "amber",
        "title_id": "Bayi menyusu kurang dari 8 kali sehari",
        "title_en": "Fewer feeds than the minimum in 24 hours",
        "parameters": {"minimum_feeds": 8},
        "source": SOURCE_FLAG_PROPOSAL
        + " §3.3: a newborn feeds 8-12 times in 24 hours (ABM; the paper).",
    },
    {
        "code": "milk_volume_below_reference",
        "severity": "amber",
        "title_id": "Volume ASI 24 jam di bawah acuan hari nifas",
        "title_en": "24-hour milk volume below the day's lower reference",
        "parameters": {"days": [3, 5]},
        "source": SOURCE_FLAG_PROPOSAL
        + " §3.5 and §3.1: a 24-hour volume below the day's lower reference on day 3 and day 5. "
        "The lower references are read from the milk-volume reference table (Saint, Smith & "
        "Hartmann, Br J Nutr 1984;52:87: day 3 from 98 ml, day 5 from 452 ml), the table the "
        "mother's chart draws. Only a 24-hour estimate is compared; a single expression is never "
        "judged against a 24-hour norm.",
    },
    {
        "code": "missed_session",
        "severity": "amber",
        "title_id": "Sesi pijat terlewat",
        "title_en": "Massage session missed",
        "parameters": {"delay_minutes": 120, "look_back_hours": 72},
        "source": "Programme protocol (the paper: massage at least twice a day for 3 days, "
        "One Kader One Client). A session counts as missed `delay_minutes` after its window "
        "closes without a recorded session; windows that closed more than `look_back_hours` ago "
        "are not flagged (imported history).",
    },
    {
        "code": "session_duration_outside_protocol",
        "severity": "amber",
        "title_id": "Lama pijat di luar protokol",
        "title_en": "Session shorter or longer than the protocol",
        "parameters": {"tolerance_minutes": 0},
        "source": "Programme protocol: 10-15 minutes a session (domain reference §1.1: Alfiani, "
        "RSIA Bunda Semarang; Bandung trial summary). The session is recorded, then flagged so "
        "the midwife can check the technique.",
    },
    {
        "code": "adverse_event_reported",
        "severity": "amber",
        "title_id": "Kejadian tidak diinginkan saat pijat",
        "title_en": "Adverse event during a massage",
        "parameters": {},
        "source": "SOP pijat oksitosin: observe the mother's response and record complaints and "
        "danger signs (domain reference §1.2, steps 18 and 23).",
    },
    # The rules of issue 19, also listed in PROTOCOL_SAFETY_RULES.
    {
        "code": "repeated_refusal",
        "severity": "amber",
        "title_id": "Ibu beberapa kali menolak pijat",
        "title_en": "The mother declined the massage several times",
        "parameters": {"refusals_at_least": 2},
        "source": SOURCE_FLAG_PROPOSAL
        + " Declining a massage is the mother's right: a refusal is recorded, never referred "
        "(WHO recommendations on maternal and newborn care for a positive postnatal experience, "
        "2022: respectful, woman-centred care; UU 17/2023 on the patient's right to refuse). "
        "Only when she declines `refusals_at_least` planned sessions is the midwife asked to "
        "talk with her (about comfort, worries or another helper), not to refer her.",
    },
    {
        "code": "low_birth_weight_or_preterm",
        "severity": "amber",
        "title_id": "Bayi berat lahir rendah atau prematur: bidan buat rencana sendiri",
        "title_en": "Low birth weight or preterm baby: the midwife makes its own plan",
        "parameters": {"birth_weight_below_g": 2500, "gestational_weeks_below": 37},
        "source": SOURCE_FLAG_PROPOSAL
        + " Low birth weight is a birth weight below 2,500 g and preterm a birth before 37 "
        "completed weeks (WHO, ICD-10; WHO recommendations for care of the preterm or low-birth-"
        "weight infant, 2022; Buku KIA: bayi berat lahir rendah). The weight-loss thresholds "
        "(7 %, 10 %) come from term babies (domain reference §3.2: Noel-Weiss 2008 review of "
        "term infants; Flaherman 2015 nomograms from 36 weeks), so they are not applied to these "
        "babies: the midwife reviews the baby and sets its own feeding and weight plan. The "
        "gestational age is the one the midwife entered, else derived from the HPHT or HPL.",
    },
    {
        "code": "no_urine_12_hours",
        "severity": "red",
        "title_id": "Bayi tidak BAK 12 jam atau lebih",
        "title_en": "No urine for 12 hours or more",
        "parameters": {"hours": 12},
        "source": SOURCE_FLAG_PROPOSAL
        + " §3.5: no wet nappy in 12 hours is a same-day referral (dehydration; HSE Ireland, "
        "UnityPoint). Judged from the BAK counts the cadre records, each covering the 24 hours "
        "before it: a count of 0 means no urine for at least 24 hours, so at least `hours`. A "
        "gap shorter than a day between voids cannot be seen in daily counts; the family's "
        "report of it belongs in the danger-sign check.",
    },
    {
        "code": "milk_not_in_by_72_hours",
        "severity": "amber",
        "title_id": "ASI belum keluar banyak setelah 72 jam",
        "title_en": "Milk not come in by 72 hours",
        "parameters": {"hours": 72},
        "source": SOURCE_FLAG_PROPOSAL
        + " §3.1 and §3.5: delayed onset of lactation is the mother perceiving her milk coming in "
        "only after 72 hours (Chapman & Perez-Escamilla, J Nutr 2000;130:2972; Neville, Morton "
        "& Umemura, Pediatr Clin North Am 2001;48:35); about 20-40 % of mothers. The cadre asks "
        "her (breasts full and heavy, milk leaking or dripping) and records yes or not yet; a "
        '"not yet" at or after `hours` raises the flag. Expressed volumes are not used: pumped '
        "milk in the first days under-represents what the baby takes.",
    },
    {
        "code": "birth_outcome",
        "severity": "amber",
        "title_id": "Hasil persalinan menghentikan pendampingan pijat",
        "title_en": "A birth outcome ends the massage accompaniment",
        "parameters": {},
        "source": SOURCE_FLAG_PROPOSAL
        + " After a stillbirth, the death of the baby or the baby's admission to intensive care "
        "the massage schedule and its reminders stop at once; the midwife visits the mother for "
        "her own postnatal care (WHO 2022 postnatal care: every woman receives postnatal care "
        "whatever the outcome of the birth), bereavement support, and lactation care (easing "
        "the milk after a loss, or expressing for a baby in intensive care).",
    },
    {
        "code": "latch_score_low",
        "severity": "amber",
        "title_id": "Skor LATCH rendah: bidan menilai cara menyusui",
        "title_en": "Low LATCH score: midwife reviews the breastfeeding",
        "parameters": {"total_at_most": 4, "days": [1, 2, 3]},
        "source": SOURCE_FLAG_PROPOSAL
        + " The score: Jensen D, Wallace S, Kelsay P. LATCH: a breastfeeding charting system and "
        "documentation tool. J Obstet Gynecol Neonatal Nurs 1994;23(1):27-32 (Latch, Audible "
        "swallowing, Type of nipple, Comfort, Hold; each 0-2, total 0-10). The tool defines no "
        "cut-off: a total at or below `total_at_most` on the postpartum `days` listed asking for "
        "the midwife's review within 24 hours is a proposal [S] (issue 18) for her sign-off; "
        "later studies relate low early totals to earlier weaning (e.g. Kumar SP et al., J Hum "
        "Lact 2006;22:391), none validates this threshold for referral.",
    },
]

# The rules added by issue 19 (loaded by migration 0009 for databases created before it).
PROTOCOL_SAFETY_RULES = [
    "repeated_refusal",
    "low_birth_weight_or_preterm",
    "no_urine_12_hours",
    "milk_not_in_by_72_hours",
    "birth_outcome",
]

SOURCE_STOP = (
    "Domain reference §1.3 (proposal [S]): no SOP consulted lists contraindications; these "
    "stop-and-refer conditions need the programme midwife's sign-off."
)
SOURCE_KIA_MOTHER = (
    "Buku KIA (Kesehatan Ibu dan Anak, Kemenkes RI), section on the mother after delivery "
    "(ibu nifas): danger signs of the postpartum period. Edition and page not yet verified: the "
    "2023/2024 text was not at hand (domain reference §5.2 [?]); to be confirmed by the programme "
    "midwife. WHO recommendations on maternal and newborn care for a positive postnatal "
    "experience (WHO, 2022): postnatal assessment of the woman."
)
SOURCE_KIA_NEWBORN = (
    "Buku KIA (Kemenkes RI), section on the newborn (bayi baru lahir): danger signs. Edition and "
    "page not yet verified (domain reference §5.2 [?]). WHO recommendations on maternal and "
    "newborn care for a positive postnatal experience (WHO, 2022): the newborn danger signs "
    "(not feeding well, convulsions, fast breathing of 60 a minute or more, severe chest "
    "indrawing, no spontaneous movement, fever or low temperature, jaundice in the first 24 hours "
    "or on palms and soles) call for referral."
)
SOURCE_BLOOD_PRESSURE = (
    "WHO 2022 postnatal care recommendations (blood pressure assessed after birth); thresholds "
    "from domain reference §3.4: 140/90 mmHg or more (systolic or diastolic) the same day, "
    "160/110 mmHg or more (severe hypertension, ACOG Practice Bulletin 222, 2020) an emergency."
)
SOURCE_BREAST = (
    "Buku KIA (Kemenkes RI): a red, swollen, painful breast is a danger sign of the postpartum "
    "period (edition and page not yet verified). ABM Clinical Protocol #36, The Mastitis "
    "Spectrum (Breastfeed Med 2022;17:360): inflammatory mastitis with or without fever; "
    "engorgement and sore nipples are supported at home, not referred as danger signs, and the "
    "massage continues (WHO advises supporting the oxytocin reflex in engorgement)."
)
SOURCE_STOOL_CARD = (
    "Buku KIA (Kemenkes RI): the stool-colour card (kartu warna tinja) screens pale stools for "
    "biliary atresia (edition and page not yet verified)."
)
SEVERITY_PROPOSAL = (
    " Severity and whether the massage stops: proposal [S] (issue 19) for the midwife's sign-off."
)

# One row per sign: its code, group, severity (emergency | same_day | review), whether it stops
# the massage until the midwife has closed the referral, the thresholds its wording names as
# {placeholders}, the wording (Indonesian, English), and its primary source.
_SIGNS: list[dict] = [
    # Before the massage (stop and refer).
    {"code": "back_wound", "group": "before_massage", "severity": "review", "stops_massage": True,
     "source": SOURCE_STOP,
     "text_id": "Ada luka, ruam, luka bakar, atau infeksi di punggung ibu?",
     "text_en": "Is there a wound, rash, burn or infection on the mother's back?"},
    {"code": "back_injury", "group": "before_massage", "severity": "same_day",
     "stops_massage": True, "source": SOURCE_STOP,
     "text_id": "Apakah ibu baru mengalami cedera tulang belakang atau punggung?",
     "text_en": "Has the mother recently injured her spine or back?"},
    {"code": "severe_back_pain", "group": "before_massage", "severity": "same_day",
     "stops_massage": True, "source": SOURCE_STOP,
     "text_id": "Apakah ibu mengeluh nyeri punggung yang hebat?",
     "text_en": "Does the mother report severe back pain?"},
    {"code": "fever_or_unwell", "group": "before_massage", "severity": "same_day",
     "stops_massage": True, "parameters": {"fever_celsius": 38},
     "source": SOURCE_STOP + " Fever threshold: Buku KIA and WHO 2022 (38 °C).",
     "text_id": "Apakah ibu demam ({fever_celsius} °C atau lebih) atau merasa tidak enak badan?",
     "text_en": "Does the mother have a fever ({fever_celsius} °C or more) or feel unwell?"},
    {"code": "bleeding_or_danger_sign", "group": "before_massage", "severity": "emergency",
     "stops_massage": True, "source": SOURCE_STOP + " " + SOURCE_KIA_MOTHER,
     "text_id": "Apakah ada perdarahan banyak dari jalan lahir atau tanda bahaya lain pada ibu?",
     "text_en": "Is there heavy vaginal bleeding or another danger sign in the mother?"},
    {"code": "high_blood_pressure", "group": "before_massage", "severity": "same_day",
     "stops_massage": True, "parameters": {"systolic": 140, "diastolic": 90},
     "source": SOURCE_BLOOD_PRESSURE,
     "text_id": "Jika tekanan darah ibu sudah diukur: angka atas {systolic} atau lebih, atau "
     "angka bawah {diastolic} atau lebih?",
     "text_en": "If her blood pressure was measured: {systolic} or more on top, or {diastolic} "
     "or more below?"},
    {"code": "very_high_blood_pressure", "group": "before_massage", "severity": "emergency",
     "stops_massage": True, "parameters": {"systolic": 160, "diastolic": 110},
     "source": SOURCE_BLOOD_PRESSURE,
     "text_id": "Jika tekanan darah ibu sudah diukur: angka atas {systolic} atau lebih, atau "
     "angka bawah {diastolic} atau lebih (sangat tinggi)?",
     "text_en": "If her blood pressure was measured: {systolic} or more on top, or {diastolic} "
     "or more below (very high)?"},
    # Declining is her right: recorded as a skipped session, never a danger sign (issue 19).
    {"code": "mother_declines", "group": "before_massage", "severity": "review",
     "stops_massage": False, "is_active": False,
     "source": SOURCE_STOP + " Switched off (issue 19): a mother who declines is recorded as a "
     "skipped session with its reason, not referred.",
     "text_id": "Apakah ibu menolak dipijat atau merasa tidak nyaman?",
     "text_en": "Does the mother decline the massage or feel uncomfortable?"},
    # Mother.
    {"code": "heavy_bleeding", "group": "mother", "severity": "emergency", "stops_massage": True,
     "parameters": {"pads": 2, "minutes": 30}, "source": SOURCE_KIA_MOTHER,
     "text_id": "Perdarahan tiba-tiba atau banyak dari jalan lahir ({pads} pembalut penuh dalam "
     "{minutes} menit)",
     "text_en": "Sudden or heavy vaginal bleeding ({pads} pads soaked within {minutes} minutes)"},
    {"code": "convulsions_or_fainting", "group": "mother", "severity": "emergency",
     "stops_massage": True, "source": SOURCE_KIA_MOTHER,
     "text_id": "Ibu kejang atau pingsan",
     "text_en": "The mother has convulsions or faints"},
    {"code": "breathless_or_chest_pain", "group": "mother", "severity": "emergency",
     "stops_massage": True, "source": SOURCE_KIA_MOTHER,
     "text_id": "Ibu sesak napas atau nyeri dada",
     "text_en": "The mother is breathless or has chest pain"},
    {"code": "headache_or_vision", "group": "mother", "severity": "emergency",
     "stops_massage": True, "source": SOURCE_KIA_MOTHER,
     "text_id": "Sakit kepala hebat atau terus-menerus, nyeri ulu hati, atau pandangan kabur",
     "text_en": "Severe or persistent headache, pain below the breastbone, or blurred vision"},
    {"code": "abdominal_or_back_pain", "group": "mother", "severity": "same_day",
     "stops_massage": True, "source": SOURCE_KIA_MOTHER,
     "text_id": "Nyeri hebat di perut bagian bawah (bukan mulas biasa saat menyusui)",
     "text_en": "Severe lower-abdominal pain (not the usual cramps while breastfeeding)"},
    {"code": "foul_discharge", "group": "mother", "severity": "same_day", "stops_massage": True,
     "source": SOURCE_KIA_MOTHER,
     "text_id": "Keluar cairan berbau busuk dari jalan lahir",
     "text_en": "Foul-smelling discharge from the vagina"},
    {"code": "fever_over_two_days", "group": "mother", "severity": "same_day",
     "stops_massage": True, "parameters": {"days": 2}, "source": SOURCE_KIA_MOTHER,
     "text_id": "Demam lebih dari {days} hari",
     "text_en": "Fever for more than {days} days"},
    {"code": "swelling_face_hands", "group": "mother", "severity": "same_day",
     "stops_massage": True, "source": SOURCE_KIA_MOTHER,
     "text_id": "Bengkak di wajah atau tangan",
     "text_en": "Swelling of the face or hands"},
    {"code": "calf_swelling_one_side", "group": "mother", "severity": "same_day",
     "stops_massage": True, "source": SOURCE_KIA_MOTHER,
     "text_id": "Betis bengkak, merah, atau nyeri di satu sisi saja",
     "text_en": "One calf swollen, red or painful (one side only)"},
    {"code": "infected_wound", "group": "mother", "severity": "same_day", "stops_massage": True,
     "source": SOURCE_KIA_MOTHER,
     "text_id": "Luka jahitan jalan lahir atau luka operasi sesar merah, bengkak, bernanah, atau "
     "makin nyeri",
     "text_en": "The perineal stitches or the caesarean wound are red, swollen, oozing pus or "
     "more and more painful"},
    {"code": "urinary_problems", "group": "mother", "severity": "same_day",
     "stops_massage": False, "source": SOURCE_KIA_MOTHER,
     "text_id": "Sulit BAK, nyeri atau panas saat BAK, atau BAK tidak bisa ditahan",
     "text_en": "Cannot pass urine, pain or burning when passing urine, or cannot hold urine"},
    {"code": "painful_red_breast_fever", "group": "mother", "severity": "same_day",
     "stops_massage": False, "source": SOURCE_BREAST,
     "text_id": "Payudara merah, bengkak, dan nyeri (dengan atau tanpa demam)",
     "text_en": "A red, swollen, painful breast (with or without fever)"},
    {"code": "low_mood_or_self_harm", "group": "mother", "severity": "same_day",
     "stops_massage": False, "source": SOURCE_KIA_MOTHER,
     "text_id": "Ibu sangat sedih, murung, atau menangis terus; atau berpikir menyakiti diri "
     "sendiri atau bayinya",
     "text_en": "The mother is very sad, withdrawn or keeps crying; or thinks of harming herself "
     "or her baby"},
    # Newborn.
    {"code": "not_feeding", "group": "newborn", "severity": "emergency", "stops_massage": False,
     "source": SOURCE_KIA_NEWBORN,
     "text_id": "Bayi tidak mau menyusu", "text_en": "The baby will not feed"},
    {"code": "convulsions", "group": "newborn", "severity": "emergency", "stops_massage": False,
     "source": SOURCE_KIA_NEWBORN, "text_id": "Bayi kejang", "text_en": "The baby has convulsions"},
    {"code": "weak_or_lethargic", "group": "newborn", "severity": "emergency",
     "stops_massage": False, "source": SOURCE_KIA_NEWBORN,
     "text_id": "Bayi lemah atau lemas", "text_en": "The baby is weak or floppy"},
    {"code": "not_moving", "group": "newborn", "severity": "emergency", "stops_massage": False,
     "source": SOURCE_KIA_NEWBORN,
     "text_id": "Bayi tidak bergerak, atau bergerak hanya bila disentuh",
     "text_en": "The baby does not move, or moves only when touched"},
    {"code": "blue_lips_or_skin", "group": "newborn", "severity": "emergency",
     "stops_massage": False, "source": SOURCE_KIA_NEWBORN,
     "text_id": "Bibir, lidah, atau kulit bayi biru",
     "text_en": "The baby's lips, tongue or skin are blue"},
    {"code": "difficult_breathing", "group": "newborn", "severity": "emergency",
     "stops_massage": False, "parameters": {"breaths_per_minute": 60},
     "source": SOURCE_KIA_NEWBORN,
     "text_id": "Napas cepat: {breaths_per_minute} kali atau lebih dalam satu menit (hitung "
     "selama satu menit penuh saat bayi tenang), atau dada bagian bawah tertarik ke dalam "
     "saat bernapas",
     "text_en": "Fast breathing: {breaths_per_minute} breaths or more in one minute (count "
     "for a full minute while the baby is calm), or the lower chest pulls in with each breath"},
    {"code": "grunting", "group": "newborn", "severity": "emergency", "stops_massage": False,
     "source": SOURCE_KIA_NEWBORN,
     "text_id": "Bayi merintih (bersuara mengerang) setiap bernapas",
     "text_en": "The baby grunts with each breath"},
    {"code": "fever_or_cold", "group": "newborn", "severity": "emergency", "stops_massage": False,
     "parameters": {"fever_above_celsius": 37.5, "cold_below_celsius": 36.5},
     "source": SOURCE_KIA_NEWBORN,
     "text_id": "Demam (di atas {fever_above_celsius} °C) atau tubuh dingin (di bawah "
     "{cold_below_celsius} °C)",
     "text_en": "Fever (above {fever_above_celsius} °C) or cold (below {cold_below_celsius} °C)"},
    {"code": "vomiting", "group": "newborn", "severity": "emergency", "stops_massage": False,
     "source": SOURCE_KIA_NEWBORN,
     "text_id": "Muntah berwarna hijau, atau muntah terus (semua yang diminum keluar lagi)",
     "text_en": "Green vomit, or vomiting everything, again and again"},
    {"code": "cord_bleeding", "group": "newborn", "severity": "emergency", "stops_massage": False,
     "source": SOURCE_KIA_NEWBORN,
     "text_id": "Tali pusat berdarah", "text_en": "The umbilical cord is bleeding"},
    {"code": "jaundice", "group": "newborn", "severity": "emergency", "stops_massage": False,
     "parameters": {"first_hours": 24, "longer_than_days": 14}, "source": SOURCE_KIA_NEWBORN,
     "text_id": "Kuning dalam {first_hours} jam pertama, kuning lebih dari {longer_than_days} "
     "hari, atau kuning sampai telapak tangan dan telapak kaki",
     "text_en": "Yellow skin in the first {first_hours} hours, for more than {longer_than_days} "
     "days, or reaching the palms and soles"},
    {"code": "diarrhoea", "group": "newborn", "severity": "same_day", "stops_massage": False,
     "source": SOURCE_KIA_NEWBORN,
     "text_id": "Diare: BAB cair jauh lebih sering dari biasanya, atau ada darah atau lendir",
     "text_en": "Diarrhoea: watery stools much more often than usual, or with blood or mucus"},
    {"code": "red_umbilicus", "group": "newborn", "severity": "same_day", "stops_massage": False,
     "source": SOURCE_KIA_NEWBORN,
     "text_id": "Tali pusat kemerahan sampai kulit perut, berbau, atau bernanah",
     "text_en": "Redness of the cord spreading to the belly skin, a bad smell or pus"},
    {"code": "eye_pus", "group": "newborn", "severity": "same_day", "stops_massage": False,
     "source": SOURCE_KIA_NEWBORN,
     "text_id": "Mata bernanah banyak", "text_en": "Eyes with a lot of pus"},
    {"code": "pale_stools", "group": "newborn", "severity": "same_day", "stops_massage": False,
     "source": SOURCE_STOOL_CARD,
     "text_id": "BAB bayi pucat (putih, abu-abu, atau kuning pucat seperti dempul; bandingkan "
     "dengan kartu warna tinja di Buku KIA)",
     "text_en": "Pale stools (white, grey or pale yellow like putty; compare with the "
     "stool-colour card in the Buku KIA)"},
]  # fmt: skip

DANGER_SIGNS: list[dict] = [
    {"parameters": {}, "is_active": True, **sign, "source": sign["source"] + SEVERITY_PROPOSAL}
    for sign in _SIGNS
]

SOURCE_SOP = (
    "SOP Pijat Oksitosin (thesis appendix, https://vdocuments.net/"
    "standar-operasional-pijat-oksitosin.html) steps a-i; SOP Universitas Muhammadiyah "
    "Banjarmasin; domain reference §1.1-1.2."
)

MASSAGE_STEPS: list[dict] = [
    {
        "number": 1,
        "illustration": "wash_hands",
        "title_id": "Cuci tangan dan minta izin",
        "title_en": "Wash hands and ask consent",
        "instruction_id": "Sapa ibu, jelaskan tujuan pijat, dan minta persetujuan ibu dan "
        "keluarga. Tutup pintu atau gorden. Cuci tangan dengan sabun; pakai masker (dan sarung "
        "tangan bila ada).",
        "instruction_en": "Greet the mother, explain the purpose and ask for her (and the "
        "family's) consent. Close the door or curtain. Wash your hands with soap; put on a mask "
        "(and gloves if you have them).",
    },
    {
        "number": 2,
        "illustration": "prepare",
        "title_id": "Siapkan alat",
        "title_en": "Prepare the equipment",
        "instruction_id": "Kursi, meja, bantal, handuk, minyak (baby oil atau minyak kelapa), "
        "waslap dan air hangat atau tisu basah.",
        "instruction_en": "Chair, table, pillow, towel, oil (baby oil or coconut oil), and a "
        "washcloth with warm water or wet wipes.",
    },
    {
        "number": 3,
        "illustration": "position",
        "title_id": "Atur posisi ibu",
        "title_en": "Position the mother",
        "instruction_id": "Ibu melepas baju atas dan bra, duduk condong ke depan, tangan "
        "dilipat di atas meja atau bantal, kepala di atas lengan. Payudara menggantung bebas. "
        "Tutup dengan handuk. Setelah operasi sesar: ibu memeluk bantal di pangkuan yang "
        "menahan perut, atau berbaring miring dengan bantal di antara lutut dan di depan perut.",
        "instruction_en": "The mother takes off her top and bra and sits leaning forward, arms "
        "folded on the table or a pillow, head resting on them. Her breasts hang free. Drape a "
        "towel. After a caesarean: she hugs a pillow on her lap that supports her belly, or lies "
        "on her side with a pillow between her knees and one in front of her belly.",
    },
    {
        "number": 4,
        "timed": True,
        "illustration": "oil",
        "title_id": "Lumuri minyak",
        "title_en": "Apply oil",
        "instruction_id": "Lumuri telapak tangan Anda dan punggung ibu dengan minyak secukupnya.",
        "instruction_en": "Put a little oil on your palms and on the mother's back.",
    },
    {
        "number": 5,
        "timed": True,
        "illustration": "start_point",
        "title_id": "Temukan titik awal",
        "title_en": "Find the starting point",
        "instruction_id": "Mulai dari tengkuk (tulang yang menonjol di pangkal leher), di kiri "
        "dan kanan tulang belakang, bukan di atas tulang belakang.",
        "instruction_en": "Start at the base of the neck (the bony bump), on both sides of the "
        "spine, never on the spine itself.",
    },
    {
        "number": 6,
        "timed": True,
        "illustration": "fists",
        "title_id": "Pijat melingkar dengan ibu jari",
        "title_en": "Small circles with the thumbs",
        "instruction_id": "Kepalkan kedua tangan, ibu jari menunjuk ke depan. Tekan dengan kedua "
        "ibu jari membentuk lingkaran kecil. Lembut tapi mantap: tidak sakit, tidak memar.",
        "instruction_en": "Make two fists with the thumbs pointing forward. Press with both "
        "thumbs in small circles. Firm but gentle: no pain, no bruising.",
    },
    {
        "number": 7,
        "timed": True,
        "illustration": "move_down",
        "title_id": "Turun sampai ujung tulang belikat",
        "title_en": "Move down to the tip of the shoulder blades",
        "instruction_id": "Pijat pelan-pelan turun sampai ujung bawah tulang belikat, garis tali "
        "bra. Ulangi 3-5 kali dari atas ke bawah. Tanyakan kenyamanan ibu; hentikan bila ibu "
        "nyeri atau pusing.",
        "instruction_en": "Work slowly down to the lower tip of the shoulder blades, the "
        "bra-strap line. Repeat 3-5 times from top to bottom. Ask how she feels; stop if she has "
        "pain or feels dizzy.",
    },
    {
        "number": 8,
        "illustration": "clean",
        "title_id": "Bersihkan punggung",
        "title_en": "Clean the back",
        "instruction_id": "Bersihkan punggung ibu dengan waslap air hangat atau tisu basah, lalu "
        "bantu ibu berpakaian.",
        "instruction_en": "Clean her back with a warm washcloth or a wet wipe, then help her "
        "dress.",
    },
    {
        "number": 9,
        "illustration": "feed",
        "title_id": "Menyusui dan cuci tangan",
        "title_en": "Breastfeed and wash hands",
        "instruction_id": "Anjurkan ibu segera menyusui atau memerah ASI dan minum air. Sepakati "
        "jadwal pijat berikutnya. Cuci tangan Anda.",
        "instruction_en": "Encourage the mother to breastfeed or express soon and to drink "
        "water. Agree the time of the next session. Wash your hands.",
    },
]

CONSENT_TEXTS: list[dict] = [
    {
        "subject": "mother",
        "version": "2026-1",
        "effective_from": dt.date(2026, 1, 1),
        "text_id": (
            "Ibu diajak ikut program pijat oksitosin oleh kader terlatih. Kader akan "
            "mendampingi ibu setelah melahirkan, memijat punggung ibu dua kali sehari selama "
            "tiga hari, dan mencatat jumlah ASI serta keadaan ibu. Data ibu (nama, NIK bila "
            "diberikan, nomor telepon, data persalinan dan kesehatan) disimpan dengan aman dan "
            "hanya dilihat oleh bidan, kader pendamping, dan tim program di wilayah ibu. "
            "Data ini digunakan untuk pendampingan dan untuk evaluasi program tanpa menyebut "
            "nama ibu. Ikut serta bersifat sukarela. Ibu boleh menolak atau berhenti kapan saja "
            "dengan memberi tahu bidan atau kader; setelah itu data ibu tidak diproses lagi dan "
            "pengingat dihentikan."
        ),
        "text_en": (
            "You are invited to take part in an oxytocin-massage programme run by trained "
            "cadres. A cadre will accompany you after the birth, massage your back twice a day "
            "for three days, and record how much milk you produce and how you are. Your data "
            "(name, NIK if you give it, phone number, delivery and health data) are kept "
            "securely and seen only by the midwife, your cadre and the programme team of your "
            "area. They are used for your care and, without your name, to evaluate the "
            "programme. Taking part is voluntary. You may refuse or stop at any time by telling "
            "the midwife or the cadre; after that your data are no longer processed and "
            "reminders stop."
        ),
    },
    {
        "subject": "infant",
        "version": "2026-1",
        "effective_from": dt.date(2026, 1, 1),
        "text_id": (
            "Sebagai orang tua atau wali, Anda diminta persetujuan untuk mencatat data bayi: "
            "jenis kelamin, berat lahir, berat badan, jumlah menyusu, popok basah, dan BAB. "
            "Data ini membantu bidan melihat apakah bayi cukup ASI dan merujuk bila ada tanda "
            "bahaya. Data anak termasuk data pribadi yang bersifat spesifik (UU PDP); data "
            "disimpan dengan aman dan hanya dilihat oleh bidan, kader pendamping, dan tim "
            "program. Anda boleh menolak atau menarik persetujuan kapan saja; setelah itu data "
            "bayi tidak diproses lagi."
        ),
        "text_en": (
            "As the parent or guardian, you are asked to consent to recording your baby's data: "
            "sex, birth weight, weight, number of feeds, wet nappies and stools. These data help "
            "the midwife see whether the baby gets enough milk and refer if there is a danger "
            "sign. A child's data are specific personal data (UU PDP); they are kept securely "
            "and seen only by the midwife, the accompanying cadre and the programme team. You "
            "may refuse or withdraw consent at any time; after that the baby's data are no "
            "longer processed."
        ),
    },
]


def catalogue_ensure(apps) -> None:
    """Create every catalogue row that is missing (by its code, number or version); never change
    an existing row. `apps` is a migration's app registry or `django.apps.apps`."""
    flag_rule = apps.get_model("care", "FlagRule")
    danger_sign = apps.get_model("care", "DangerSign")
    massage_step = apps.get_model("care", "MassageStep")
    consent_text = apps.get_model("care", "ConsentText")
    for rule in FLAG_RULES:
        flag_rule.objects.get_or_create(
            code=rule["code"], defaults={k: v for k, v in rule.items() if k != "code"}
        )
    sign_fields = {field.name for field in danger_sign._meta.get_fields()}
    for order, sign in enumerate(DANGER_SIGNS, start=1):
        # An older migration's model lacks the later fields (severity, thresholds): it gets
        # what it has, and the migration that adds them fills them in (care 0008).
        danger_sign.objects.get_or_create(
            code=sign["code"],
            defaults={
                name: value
                for name, value in {**sign, "order": order}.items()
                if name != "code" and name in sign_fields
            },
        )
    for step in MASSAGE_STEPS:
        massage_step.objects.get_or_create(
            number=step["number"],
            defaults={**{k: v for k, v in step.items() if k != "number"}, "source": SOURCE_SOP},
        )
    for text in CONSENT_TEXTS:
        consent_text.objects.get_or_create(
            subject=text["subject"],
            version=text["version"],
            defaults={k: v for k, v in text.items() if k not in {"subject", "version"}},
        )


def flag_rules_ensure(apps, *, codes: list[str]) -> None:
    """Create the shipped flag rules of `codes` that are missing; never change an existing one."""
    flag_rule = apps.get_model("care", "FlagRule")
    for rule in FLAG_RULES:
        if rule["code"] in codes:
            flag_rule.objects.get_or_create(
                code=rule["code"], defaults={k: v for k, v in rule.items() if k != "code"}
            )


def catalogue_remove(apps) -> None:
    """Undo `catalogue_ensure` (the reverse of the data migration)."""
    apps.get_model("care", "FlagRule").objects.filter(
        code__in=[rule["code"] for rule in FLAG_RULES]
    ).delete()
    apps.get_model("care", "DangerSign").objects.filter(
        code__in=[sign["code"] for sign in DANGER_SIGNS]
    ).delete()
    apps.get_model("care", "MassageStep").objects.filter(
        number__in=[step["number"] for step in MASSAGE_STEPS]
    ).delete()
    for text in CONSENT_TEXTS:
        apps.get_model("care", "ConsentText").objects.filter(
            subject=text["subject"], version=text["version"]
        ).delete()
