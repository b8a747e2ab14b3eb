import pytest
from django.urls import reverse

from dossiers.models import Campaign, Dossier
from tests.dossiers.conftest import make_campaign


def test_admin_copies_a_questionnaire_from_an_earlier_campaign(client, portal_admin):
    source = make_campaign(2008)
    target = make_campaign(2009, codes={"presentation"})
    client.force_login(portal_admin)
    url = reverse("admin:dossiers_campaign_changelist")
    data = {"action": "copy_questionnaire_action", "_selected_action": [target.pk]}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Copier le questionnaire" in response.text
    assert list(response.context["form"].fields["source"].queryset) == [source]
    response = client.post(url, {**data, "apply": "1", "source": source.pk}, follow=True)
    assert f"{source.questions.count() - 1} question(s) copiée(s)" in response.text
    assert target.questions.count() == source.questions.count()


def test_admin_refuses_a_later_campaign_as_source(client, portal_admin):
    later = make_campaign(2010)
    target = make_campaign(2009, codes=set())
    client.force_login(portal_admin)
    url = reverse("admin:dossiers_campaign_changelist")
    data = {"action": "copy_questionnaire_action", "_selected_action": [target.pk], "apply": "1", "source": later.pk}
    client.post(url, data, follow=True)
    assert target.questions.count() == 0


def test_admin_pages_render(client, portal_admin, dossier):
    client.force_login(portal_admin)
    for url in [
        reverse("admin:dossiers_campaign_change", args=[dossier.campaign.pk]),
        reverse("admin:dossiers_dossier_change", args=[dossier.pk]),
        reverse("admin:dossiers_question_changelist"),
        reverse("admin:dossiers_dossier_changelist"),
    ]:
        assert client.get(url).status_code == 200


def test_admin_edits_the_kinds_of_a_question(client, portal_admin, campaign):
    question = campaign.questions.get(code="presentation")
    client.force_login(portal_admin)
    response = client.post(
        reverse("admin:dossiers_question_change", args=[question.pk]),
        {
            "campaign": campaign.pk,
            "axis": 1,
            "order": 1,
            "code": "presentation",
            "section": "Présentation",
            "label": "Présentez votre structure.",
            "help_text": "",
            "answer_type": "long_text",
            "required": "on",
            "options": "",
            "kinds": ["AI", "ETTI"],
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.kinds == ["AI", "ETTI"]


@pytest.mark.parametrize("model", ["question", "dossier", "answer", "axiscomment", "snapshot"])
def test_admin_lists_keep_a_constant_number_of_queries(
    client, portal_admin, advisor, editor, campaign, uriae, model, django_assert_max_num_queries
):
    from dossiers import services
    from tests.dossiers.conftest import answer_all_required
    from tests.factories import StructureFactory

    def add(count):
        for _ in range(count):
            dossier = Dossier.objects.create(structure=StructureFactory(networks=[uriae]), campaign=campaign)
            answer_all_required(dossier, editor)
            services.add_axis_comment(dossier, 1, advisor, "Précisez.")
            services.apply_transition(dossier, "submit", portal_admin, notify=False)
        make_campaign(Campaign.objects.order_by("year").first().year - 1)  # more questions, other campaigns

    add(2)
    client.force_login(portal_admin)
    url = reverse(f"admin:dossiers_{model}_changelist")
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    add(12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_admin_shows_the_axis_versions_without_letting_them_be_edited(client, portal_admin, dossier):
    """The axis versions are the axis pages' optimistic lock: the admin form has no field for them."""
    client.force_login(portal_admin)
    response = client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk]))
    form_fields = response.context["adminform"].form.fields
    for axis in (1, 2, 3, 4):
        assert f"version_axis_{axis}" not in form_fields
        assert f"saved_by_axis_{axis}" not in form_fields
    assert "Version de l&#x27;axe 1" in response.text  # shown, read-only
