"""One mother's record as a FHIR Bundle, downloaded from her page (the midwife hands it to a
facility system such as SATUSEHAT)."""

import json

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from kaderasi.accounts.selectors import staff_within_scope_of
from kaderasi.cadres.selectors import cadres_visible_to
from kaderasi.care.models import Mother, ReadInterface
from kaderasi.care.read_audit import reads_record
from kaderasi.care.selectors import mothers_identified_to
from kaderasi.core import clock
from kaderasi.core.policies import Permission, require
from kaderasi.interop.fhir.bundle import programme_bundle
from kaderasi.interop.fhir.selectors import programme_fhir_rows


@login_required
@require_GET
def mother_fhir(request, public_id):
    require(request.user, Permission.EXPORT_MOTHER_RECORD)
    mother = get_object_or_404(
        mothers_identified_to(request.user).select_related("programme"), public_id=public_id
    )
    # Only the cadres she may see are named: one of another area who met the mother is left out.
    cadres = (
        cadres_visible_to(request.user)
        .filter(Q(pairings__mother=mother) | Q(massage_sessions__mother=mother))
        .distinct()
    )
    rows = programme_fhir_rows(
        mother.programme,
        mothers=Mother.objects.filter(pk=mother.pk),
        cadres=cadres,
        staff=staff_within_scope_of(request.user),
        training=False,
    )
    bundle = programme_bundle(rows, now=clock.now())
    reads_record(request, mother_ids=[mother.pk], interface=ReadInterface.FHIR_DOWNLOAD)
    response = HttpResponse(
        json.dumps(bundle, ensure_ascii=False, indent=1), content_type="application/fhir+json"
    )
    response["Content-Disposition"] = f'attachment; filename="{mother.code}-fhir.json"'
    response["Cache-Control"] = "no-store"
    return response
