"""The training video is one of the files the service worker keeps and answers range requests
for (issue 18, item 5): its path matches the worker's media patterns in every language, and the
cadre's phone keeps the training materials page that shows it."""

import json
import re
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation

from kaderasi.offline import shell

pytestmark = pytest.mark.django_db


def _worker_config(client) -> dict:
    text = client.get("/sw.js").content.decode()
    return json.loads(re.search(r"const CONFIG = (\{.*?\});\n", text, re.S)[1])


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_worker_treats_a_training_video_as_media_it_keeps(client, language):
    with translation.override(language):
        video = reverse("training:training-video", args=[uuid.uuid4()])
        page = reverse("training:materials")

    patterns = _worker_config(client)["mediaPatterns"]

    assert any(re.search(pattern, video) for pattern in patterns)
    assert not any(re.search(pattern, page) for pattern in patterns)


def test_the_materials_page_is_kept_for_offline_use():
    assert shell.kept_page_urls() == [reverse("training:materials")]


def test_a_browser_asking_for_favicon_ico_gets_the_app_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"].endswith("/kaderasi/icon.svg")
    assert finders.find("kaderasi/icon.svg")
