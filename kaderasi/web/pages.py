"""What each page shows, assembled from the scoped selectors (reads only)."""

import datetime as dt

from django.db.models import Count

from kaderasi.accounts.models import Role, User
from kaderasi.cadres.selectors import cadres_visible_to
from kaderasi.care.selectors import MotherStage, mother_rows, mothers_visible_to
from kaderasi.programmes.models import Programme
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.programmes.summaries import programme_summaries
from kaderasi.training.selectors import paired_scores, trainings_visible_to


def home_context(user: User, *, role: Role, now: dt.datetime) -> dict:
    programmes = programmes_visible_to(user)
    context: dict = {"summaries": _summaries(user, programmes)}
    if role in {Role.MIDWIFE, Role.CADRE}:
        rows = mother_rows(mothers_visible_to(user), now=now)
        context["active_rows"] = [
            r for r in rows if r.stage in {MotherStage.PREGNANT, MotherStage.POSTPARTUM}
        ]
        context["past_rows"] = [r for r in rows if r not in context["active_rows"]]
    if role == Role.CADRE:
        context["cadre"] = cadres_visible_to(user).select_related("posyandu").first()
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
    }


def _summaries(user: User, programmes):
    return programme_summaries(
        programmes, cadres=cadres_visible_to(user), mothers=mothers_visible_to(user)
    )
