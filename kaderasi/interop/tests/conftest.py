import pytest
from django.urls import reverse

from kaderasi.accounts.models import Role
from kaderasi.tests import factories as f


@pytest.fixture
def other_coordinator(world):
    """A coordinator of Sleman, outside the Wedi programme."""
    return f.UserFactory(username="eka-koordinator", role=Role.COORDINATOR, areas=[world.sleman])


@pytest.fixture
def import_upload(client, django_capture_on_commit_callbacks):
    """Post the import page's form and run the import it queues: the tests' task backend runs a
    task where it is enqueued, which the page does once its transaction commits."""

    def post(data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("interop:import"), data)

    return post


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    """Each test's own data directory: uploads waiting for the worker stay with their test."""
    settings.DATA_DIR = tmp_path
    return tmp_path
