"""What each page shows, assembled from the scoped selectors (reads only)."""

import datetime as dt

from django.db.models import Count, F
from django.http import QueryDict

from kaderasi.accounts.models import Role, User
from kaderasi.cadres.selectors import cadres_of_login, cadres_visible_to
from kaderasi.care.pages import village_list_context
from kaderasi.care.selectors import (
    mother_rows,
    mothers_awaiting_cadre,
    mothers_visible_to,
    open_referrals,
)
from kaderasi.care.today import clients_today
from kaderasi.core.policies import Permission, can
from kaderasi.programmes.models import Programme
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.programmes.summaries import programme_summaries
from kaderasi.reports.selectors import programme_report_allowed
from kaderasi.training.selectors import paired_scores, trainings_visible_to


def home_context(user: User, *, role: Role, now: dt.datetime) -> dict:
    programmes = programmes_visible_to(user)
    context: dict = {"summaries": _summaries(user, programmes)}
    if role == Role.MIDWIFE:
        # The midwife's day: referrals to act on first, then every mother of her villages.
        context.update(village_list_context(user, QueryDict(), now=now))
        context["referrals"] = open_referrals(user)
        context["can_register"] = can(user, Permission.REGISTER_MOTHER)
        context["awaiting_cadre"] = mothers_awaiting_cadre(user, now=now)
    if role == Role.CADRE:
        # "Hari ini": her clients now, with the sessions and measurements due.
        context["clients"] = clients_today(user, now=now)
        current = {day.mother.pk for day in context["clients"]}
        context["past_rows"] = mother_rows(
            mothers_visible_to(user).exclude(pk__in=current), now=now
        )
        # Her own row (the one holding the login) names her; rows in other programmes follow it.
        context["cadre"] = (
            cadres_of_login(user)
            .select_related("posyandu")
            .order_by(F("same_person_as").asc(nulls_first=True))
            .first()
        )
    if role in {Role.DISTRICT_OFFICE, Role.ADMIN}:
        context["villages"] = (
            mothers_visible_to(user)
            .values("posyandu__parent__name")
            .annotate(mothers=Count("id"))
            .order_by("posyandu__parent__name")
        )
    if role == Role.ADMIN:
        context["user_count"] = User.objects.count()
    return context


def programme_context(user: User, programme: Programme, *, now: dt.datetime) -> dict:
    trainings = []
    for training in trainings_visible_to(user).filter(programme=programme):
        pairs = paired_scores(training)
        trainings.append(
            {
                "training": training,
                "n": len(pairs),
                "pre_mean": sum(p for p, _ in pairs) / len(pairs) if pairs else None,
                "post_mean": sum(q for _, q in pairs) / len(pairs) if pairs else None,
                "illustrative": training.attempts.filter(is_illustrative=True).exists(),
            }
        )
    rows = mother_rows(mothers_visible_to(user).filter(programme=programme), now=now)
    return {
        "programme": programme,
        "summary": _summaries(user, programmes_visible_to(user).filter(pk=programme.pk))[0],
        "trainings": trainings,
        "rows": rows,
        "cadre_count": cadres_visible_to(user).filter(programme=programme).count(),
        "can_view_report": can(user, Permission.VIEW_PROGRAMME_REPORT)
        and programme_report_allowed(user, programme),
    }


def _summaries(user: User, programmes):
    return programme_summaries(
        programmes, cadres=cadres_visible_to(user), mothers=mothers_visible_to(user)
    )
