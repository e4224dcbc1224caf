"""Every dashboard's <title> is text (issue 18, Build 4): the district and village dashboards
carried the whole "Programme reports" <section> in their title."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "title"),
    [
        ("midwife", "Village dashboard · kaderasi"),
        ("district_officer", "District dashboard · kaderasi"),
        ("coordinator", "Programme dashboard · kaderasi"),
    ],
)
def test_the_dashboards_title_is_its_name_and_the_reports_stay_in_the_page(
    client, request, persona, title
):
    client.force_login(request.getfixturevalue(persona))

    with translation.override("en"):
        page = client.get(reverse("reports:dashboard")).content.decode()

    assert re.search(r"<title>(.*?)</title>", page, re.S).group(1) == title
    assert page.count('id="reports-heading"') == 1
