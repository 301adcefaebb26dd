"""Test helpers of the second factor: enrol an authenticator, compute its current code, verify a session."""
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


def enrol(user):
    """The user's confirmed authenticator (created if they have none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def code(device):
    """The code the authenticator app shows now (the pinned clock's time)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def recovery_codes(user, *codes):
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "Recovery codes"})
    for token in codes:
        StaticToken.objects.create(device=device, token=token)
    return device


def verify_session(client, user):
    """Mark the client's session verified by the user's authenticator, as `django_otp.login` does."""
    device = enrol(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def sign_in(client, user):
    """`client.force_login(user)`, then verify the session if the user's role needs the second factor."""
    from banzi.accounts.otp import requires_second_factor

    client.force_login(user)
    if requires_second_factor(user):
        verify_session(client, user)
    return client
