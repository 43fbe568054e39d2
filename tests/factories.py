"""factory_boy factories for the tracker's objects. Tests build their own data."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from claims.models import Article, Claim, Claimant, Outlet, content_hash
from reviews.models import Evidence, Rating, Verdict


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """UserFactory(role="Editor") puts the user in that group."""
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Outlet {n}")
    domain = factory.LazyAttribute(lambda o: f"{o.name.lower().replace(' ', '')}.example")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    url = factory.Sequence(lambda n: f"https://news.example/article-{n}")
    outlet = factory.SubFactory(OutletFactory)
    body = factory.Sequence(
        lambda n: (
            f"Report {n}. The minister said 35 countries abstained on the vote. "
            f"Officials met on February 24 in Moscow."
        )
    )
    content_hash = factory.LazyAttribute(lambda a: content_hash(a.body))


class ClaimantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claimant
        django_get_or_create = ["name", "kind"]

    name = factory.Sequence(lambda n: f"Claimant {n}")
    kind = Claimant.Kind.PERSON


class ClaimFactory(factory.django.DjangoModelFactory):
    """A claim on the second sentence of its article's body."""

    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    text = "The minister said 35 countries abstained on the vote."
    span_start = factory.LazyAttribute(lambda c: c.article.body.index(c.text))
    span_end = factory.LazyAttribute(lambda c: c.span_start + len(c.text))
    claimant = factory.SubFactory(ClaimantFactory)
    checkworthiness = 0.8
    origin = Claim.Origin.EXTRACTED


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating
        django_get_or_create = ["slug"]

    label = "False"
    slug = "false"
    value = 1
    best_value = 5
    worst_value = 1


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    url = "https://records.example/un/a-res-es-11-1"
    title = "Resolution A/RES/ES-11/1"
    publisher = "United Nations"
    kind = Evidence.Kind.OFFICIAL_RECORD
    stance = Evidence.Stance.SUPPORTS
    added_by = factory.SubFactory(UserFactory)


class VerdictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Verdict

    claim = factory.SubFactory(ClaimFactory)
    rating = factory.SubFactory(RatingFactory)
    summary = "Thirty-five states abstained."
    rationale = "Read the UN's record of the 2 March 2022 meeting."
    author = factory.SubFactory(UserFactory)
