"""Factories that go through the real business functions, so tests build data the way the product does."""

import factory
from django.contrib.auth import get_user_model
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

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


def make_province_admin(province, username=None, password="mat-khau-thu-1", totp_device=True):
    """A province admin. With totp_device (the default) the account has finished 2FA setup,
    as every province admin must have; pass totp_device=False to meet the setup page."""
    username = username or f"{province.slug}-admin"
    user, _ = services.officer_create(
        username=username,
        email=f"{username}@example.vn",
        role=services.ROLE_PROVINCE_ADMIN,
        province=province,
        password=password,
    )
    if totp_device:
        add_totp_device(user)
    return user


def make_superuser(username="vanhanh", totp_device=True):
    """The operator account; with a confirmed 2FA device unless totp_device=False (see make_province_admin)."""
    user = get_user_model().objects.create_superuser(username, f"{username}@example.vn", "mat-khau-thu-1")
    if totp_device:
        add_totp_device(user)
    return user


# --- Two-factor authentication ---------------------------------------------------------------------


def add_totp_device(user) -> TOTPDevice:
    """A confirmed authenticator app for the user, as if setup had been completed earlier."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=True)


def totp_code(device_or_key, steps_ahead=0) -> str:
    """The 6-digit code the user's app shows now (or `steps_ahead` 30-second steps later).
    Takes a device or its hex key, so browser scenarios can compute it without the database."""
    key = device_or_key.key if isinstance(device_or_key, TOTPDevice) else device_or_key
    return f"{totp(bytes.fromhex(key), drift=steps_ahead):06d}"


def mark_verified(client, user) -> bool:
    """Give the client's session the second factor of a user who has a confirmed device
    (django-otp's session key, as django_otp.login writes it). False if the user has none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return False
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return True


def login_verified(client, user):
    """Sign the client in as `user` with both factors done (a device is added if the user has none)."""
    add_totp_device(user)
    client.force_login(user)
    mark_verified(client, user)
    return client
