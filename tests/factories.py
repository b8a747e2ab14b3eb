import random

import factory

from accounts.models import Membership, User
from demo.generators import make_siret
from dossiers.models import Network, Structure

_rng = random.Random(42)


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"RESEAU{n}")
    name = factory.LazyAttribute(lambda o: f"Réseau {o.code}")


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Structure d'insertion n° {n}")
    kind = "ACI"
    siret = factory.LazyFunction(lambda: make_siret(_rng))
    departement = "59"
    commune = "Lille"
    insertion_posts_etp = 12

    @factory.post_generation
    def networks(self, create, extracted, **kwargs):
        if create and extracted:
            self.networks.set(extracted)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = "Camille"
    password = factory.django.Password("motdepasse-de-test")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Membership.Role.SIAE_EDITOR
