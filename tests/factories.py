"""Factories that go through the real business functions, so tests build data the way the product does."""

import factory
from django.contrib.auth import get_user_model

from sites import services


class ProvinceFactory(factory.Factory):
    class Meta:
        model = dict

    name = factory.Sequence(lambda n: f"Tỉnh Thử {n}")
    domain = factory.Sequence(lambda n: f"tinhthu{n}.gov.vn")

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.province_ensure(**kwargs)

    _build = _create


class CommuneFactory(factory.Factory):
    class Meta:
        model = dict

    province = factory.SubFactory(ProvinceFactory)
    name = factory.Sequence(lambda n: f"Đông Thử {n}")
    kind = "xã"

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.commune_create(**kwargs)

    _build = _create


def make_officer(commune, role="editor", username=None, password="mat-khau-thu-1"):
    """An officer account with one role in one commune."""
    username = username or f"{commune.slug}-{role}-{commune.pk}"
    user, _ = services.officer_create(
        username=username, email=f"{username}@example.vn", role=role, commune=commune, password=password
    )
    return user


def make_province_admin(province, username=None, password="mat-khau-thu-1"):
    username = username or f"{province.slug}-admin"
    user, _ = services.officer_create(
        username=username,
        email=f"{username}@example.vn",
        role=services.ROLE_PROVINCE_ADMIN,
        province=province,
        password=password,
    )
    return user


def make_superuser(username="vanhanh"):
    return get_user_model().objects.create_superuser(username, f"{username}@example.vn", "mat-khau-thu-1")
