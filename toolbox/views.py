from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dossiers.models import network_label
from siae_portal.emails import MailNotSent, portal_url, warn_not_sent
from siae_portal.pagination import CARD_PAGE_SIZE, paginate, querystring_without_page
from siae_portal.uploads import attachment_response

from .calculations import download_filename, origin_of
from .forms import RejectForm, ResourceFilterForm, ResourceForm, ResubmitForm
from .models import Resource
from .services import (
    OWN_PROPOSAL_MESSAGE,
    ModerationError,
    count_download,
    ensure_resubmittable,
    notify_moderators,
    publish,
    reject,
    resubmit,
)


def get_resource_for_user(request, pk, *, moderate=False):
    """The resource if the user may see it (404 otherwise); with `moderate`, 403 unless it may moderate it."""
    resource = get_object_or_404(
        Resource.objects.visible_to(request.user).with_provider().select_related("proposed_by", "moderated_by"),
        pk=pk,
    )
    if moderate and not request.user.has_perm("toolbox.moderate_resource", resource):
        raise PermissionDenied("Vous ne pouvez pas modérer cette ressource.")
    return resource


def _provider_choices(resources):
    """The providers of the given resources, networks first, as filter choices (one query)."""
    rows = resources.order_by().values_list(
        "provider_network_id",
        "provider_network__code",
        "provider_network__name",
        "provider_structure_id",
        "provider_structure__name",
    )
    networks, structures = set(), set()
    for network_id, code, network_name, structure_id, name in rows.distinct():
        if network_id:
            networks.add((f"network:{network_id}", network_label(code, network_name)))
        else:
            structures.add((f"structure:{structure_id}", name))
    choices = []
    if networks:
        choices.append(("Réseaux", sorted(networks, key=lambda choice: choice[1])))
    if structures:
        choices.append(("Structures", sorted(structures, key=lambda choice: choice[1].lower())))
    return choices


@require_GET
def browse(request):
    """Published resources the user may see: filters, search, sort, pagination."""
    visible = Resource.objects.visible_to(request.user).published()
    filter_form = ResourceFilterForm(data=request.GET or None, providers=_provider_choices(visible))
    resources = filter_form.filter(visible).with_provider()
    page = paginate(request, resources, CARD_PAGE_SIZE)
    return render(
        request,
        "toolbox/resource_list.html",
        {
            "page": page,
            "filter_form": filter_form,
            "querystring": querystring_without_page(request),
            "searching": bool(filter_form.is_bound and filter_form.is_valid() and filter_form.cleaned_data["q"]),
            "can_moderate": request.user.has_perm("toolbox.view_moderation_queue"),
        },
    )


@require_GET
def detail(request, pk):
    resource = get_resource_for_user(request, pk)
    user = request.user
    can_moderate = user.has_perm("toolbox.moderate_resource", resource)
    response = render(
        request,
        "toolbox/resource_detail.html",
        {
            "resource": resource,
            "can_moderate": can_moderate,
            "can_publish": can_moderate and user.has_perm("toolbox.publish_resource", resource),
            "can_resubmit": resource.is_rejected and user.has_perm("toolbox.resubmit_resource", resource),
            "show_moderation": can_moderate or resource.proposed_by_id == user.pk,
        },
    )
    if resource.url:
        # "Ouvrir le lien" posts here, then goes on to the resource's site: the CSP's form-action
        # (the portal only) lets this page's form reach that one other origin.
        response._csp_update = {"form-action": [origin_of(resource.url)]}  # as csp.decorators.csp_update does
    return response


# The page's buttons POST and count; a GET (a moderator's preview, the link in a form's help) only
# serves: a GET never writes to the database.
@require_http_methods(["GET", "POST"])
def download(request, pk):
    """The file, as an attachment; never served from MEDIA_URL. A POST (the page's button) also
    counts the download (published resources only)."""
    resource = get_resource_for_user(request, pk)
    if not resource.file:
        raise Http404("Cette ressource n'a pas de fichier.")
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("Le fichier de cette ressource est introuvable.") from error
    if request.method == "POST":
        count_download(resource)
    return attachment_response(handle, download_filename(resource.title, resource.file_type), resource.file_type)


@require_http_methods(["GET", "POST"])
def open_link(request, pk):
    """Redirect to the resource's link; a POST (the page's button) counts it like a download."""
    resource = get_resource_for_user(request, pk)
    if not resource.url:
        raise Http404("Cette ressource n'a pas de lien.")
    response = HttpResponseRedirect(resource.url)
    if request.method == "POST":
        count_download(resource)
        response.status_code = 303  # the browser follows with a GET
    return response


@require_http_methods(["GET", "POST"])
def propose(request):
    form = ResourceForm(data=request.POST or None, files=request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        resource = form.save()
        try:
            notify_moderators(resource, base_url=portal_url(request))
        except MailNotSent:
            warn_not_sent(request)
        messages.success(
            request,
            f"Merci ! Votre proposition « {resource.title} » a été transmise : elle sera visible de tous "
            "une fois publiée par un conseiller du réseau.",
        )
        return redirect(resource)
    return render(request, "toolbox/resource_form.html", {"form": form})


@require_GET
def my_proposals(request):
    resources = (
        Resource.objects.filter(proposed_by=request.user)
        .with_provider()
        .select_related("moderated_by")
        .order_by("-proposed_at", "-pk")
    )
    page = paginate(request, resources, CARD_PAGE_SIZE)
    return render(request, "toolbox/resource_mine.html", {"page": page, "querystring": ""})


@require_GET
def moderation_queue(request):
    if not request.user.has_perm("toolbox.view_moderation_queue"):
        raise PermissionDenied("La modération est réservée aux conseillers des réseaux et aux administrateurs.")
    moderable = Resource.objects.moderable_by(request.user).with_provider()
    pending = moderable.proposed().select_related("proposed_by").order_by("proposed_at", "pk")
    decisions = (
        moderable.exclude(status=Resource.Status.PROPOSED)
        .filter(moderated_by__isnull=False)
        .select_related("moderated_by")
        .order_by("-moderated_at", "-pk")[:10]
    )
    page = paginate(request, pending, CARD_PAGE_SIZE)
    return render(request, "toolbox/moderation_queue.html", {"page": page, "decisions": decisions, "querystring": ""})


def _moderation_step(request, step) -> bool | None:
    """Runs `step`, a moderation service that e-mails someone. None if the service refused (its
    reason shown as an error); otherwise whether the e-mail went out (the user warned if not)."""
    try:
        step()
    except ModerationError as error:
        messages.error(request, str(error))
        return None
    except MailNotSent:
        warn_not_sent(request)
        return False
    return True


@require_POST
def publish_resource(request, pk):
    resource = get_resource_for_user(request, pk, moderate=True)
    if not request.user.has_perm("toolbox.publish_resource", resource):
        raise PermissionDenied(OWN_PROPOSAL_MESSAGE)
    if _moderation_step(request, lambda: publish(resource, by=request.user, base_url=portal_url(request))) is not None:
        messages.success(request, f"« {resource.title} » est publiée dans la boîte à outils.")
    return redirect(resource)


@require_http_methods(["GET", "POST"])
def reject_resource(request, pk):
    resource = get_resource_for_user(request, pk, moderate=True)
    if not resource.is_proposed:
        messages.error(request, f"« {resource.title} » a déjà été {resource.get_status_display()}.")
        return redirect(resource)
    form = RejectForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        sent = _moderation_step(
            request, lambda: reject(resource, by=request.user, reason=reason, base_url=portal_url(request))
        )
        if sent is None:
            return redirect(resource)
        if sent:
            messages.success(request, f"« {resource.title} » est refusée ; le motif a été envoyé par e-mail.")
        else:
            messages.success(request, f"« {resource.title} » est refusée.")
        return redirect("toolbox:moderation")
    return render(request, "toolbox/resource_reject.html", {"resource": resource, "form": form})


@require_http_methods(["GET", "POST"])
def resubmit_resource(request, pk):
    """The proposer (or an administrator) corrects a refused proposal and sends it back to moderation."""
    resource = get_resource_for_user(request, pk)
    if not request.user.has_perm("toolbox.resubmit_resource", resource):
        raise PermissionDenied("Seule la personne qui a proposé l'outil peut le corriger.")
    try:
        ensure_resubmittable(resource)
    except ModerationError as error:
        messages.error(request, str(error))
        return redirect(resource)
    title = resource.title  # the form writes its values into the resource, even invalid ones
    form = ResubmitForm(data=request.POST or None, files=request.FILES or None, instance=resource, user=request.user)
    if request.method == "POST" and form.is_valid():
        sent = _moderation_step(
            request, lambda: resubmit(form.save(commit=False), by=request.user, base_url=portal_url(request))
        )
        if sent:
            messages.success(
                request,
                f"« {resource.title} » est de nouveau proposée : les conseillers du réseau sont prévenus par e-mail.",
            )
        elif sent is not None:
            messages.success(request, f"« {resource.title} » est de nouveau proposée.")
        return redirect(resource)
    return render(request, "toolbox/resource_resubmit.html", {"resource": resource, "title": title, "form": form})
