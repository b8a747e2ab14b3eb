import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from demo.generators import demo_pdf
from tests.factories import NetworkFactory
from toolbox.models import Resource


class ResourceFactory(factory.django.DjangoModelFactory):
    """A published link resource of a network, for every kind, on axis 1, by default."""

    class Meta:
        model = Resource

    title = factory.Sequence(lambda n: f"Outil partagé n° {n}")
    summary = "Un outil pour les structures d'insertion."
    axis = Resource.Axis.ACCUEIL
    category = Resource.Category.RECRUTEMENT
    provider_network = factory.SubFactory(NetworkFactory)
    url = factory.Sequence(lambda n: f"https://outils.example.org/ressource-{n}")
    status = Resource.Status.PUBLISHED
    moderated_at = factory.LazyFunction(timezone.now)
    published_at = factory.LazyFunction(timezone.now)

    class Params:
        proposal = factory.Trait(status=Resource.Status.PROPOSED, moderated_at=None, published_at=None)
        with_file = factory.Trait(
            url="",
            file=factory.LazyAttribute(lambda o: ContentFile(demo_pdf([(o.title, ["Contenu"])]), name="outil.pdf")),
            file_type="pdf",
            file_size=600,
        )
