"""A resource's status is defined once (value, label, badge): the constraint and the pages use it."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tests.toolbox.factories import ResourceFactory
from toolbox.models import Resource


def test_the_database_takes_every_status_and_no_other(uriae):
    resource = ResourceFactory(provider_network=uriae)
    now = timezone.now()
    for status in Resource.Status.values:
        Resource.objects.filter(pk=resource.pk).update(
            status=status, rejection_reason="Doublon", moderated_at=now, published_at=now
        )
    with pytest.raises(IntegrityError, match="resource_status_valid"), transaction.atomic():
        Resource.objects.filter(pk=resource.pk).update(status="archived")


def test_my_proposals_show_each_status_with_its_badge(client, editor, structure):
    for status in Resource.Status:
        ResourceFactory(
            provider_network=None,
            provider_structure=structure,
            proposed_by=editor,
            status=status,
            rejection_reason="Doublon" if status == Resource.Status.REJECTED else "",
            published_at=timezone.now() if status == Resource.Status.PUBLISHED else None,
        )
    client.force_login(editor)
    text = client.get(reverse("toolbox:mine")).text
    for status in Resource.Status:
        assert f'<span class="badge {status.badge}">{status.label}</span>' in text
    assert len({status.badge for status in Resource.Status}) == 3  # three statuses, three colours
