"""pycognito (the reference Python client, unmodified from PyPI) against cognito-local.

pycognito signs in with USER_SRP_AUTH through boto3 and then verifies both tokens itself:
RS256 signature against our JWKS, `iss`, `aud`, `exp` and `token_use`. Also: a confidential
client (pycognito computes SECRET_HASH), NEW_PASSWORD_REQUIRED for an AdminCreateUser user, the
forgot-password round trip, TOTP MFA, profile/password changes and global sign-out.
"""

import base64
import hashlib
import hmac
import os
import struct
import time
import uuid

import boto3
import botocore.exceptions
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from pycognito import Cognito
from pycognito.exceptions import ForceChangePasswordException, SoftwareTokenMFAChallengeException

ENDPOINT = os.environ.get("COGNITO_ENDPOINT", "http://127.0.0.1:9229")
POOL_ID = "us-east-1_LocalPool1"
CLIENT_ID = "localspaclient000000000001"
CONF_CLIENT_ID = "localconfclient00000000001"
CONF_CLIENT_SECRET = "local-dev-secret-change-me"
# The public operations need no AWS credentials; UNSIGNED keeps boto3 from looking for any.
BOTO_CONFIG = Config(signature_version=UNSIGNED, retries={"max_attempts": 1})


def client(username, client_id=CLIENT_ID, client_secret=None):
    return Cognito(
        POOL_ID,
        client_id,
        username=username,
        client_secret=client_secret,
        botocore_config=BOTO_CONFIG,
        boto3_client_kwargs={"endpoint_url": ENDPOINT},
    )


def idp():
    """A plain boto3 cognito-idp client on the local endpoint. Unsigned: cognito-local accepts the
    Admin* operations without SigV4 (there is no IAM locally; AWS would require signing)."""
    return boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=ENDPOINT, config=BOTO_CONFIG)


def latest_code(username, purpose):
    outbox = requests.get(f"{ENDPOINT}/_dev/outbox", params={"username": username}, timeout=10).json()
    codes = [m["code"] for m in outbox["messages"] if m["username"] == username and m["purpose"] == purpose]
    assert codes, f"no {purpose} code in the outbox for {username}"
    return codes[-1]


def totp(secret_b32, at=None):
    """RFC 6238: HMAC-SHA1 over the 30 s step counter, dynamic truncation, 6 digits."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", int((time.time() if at is None else at) // 30)), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    return f"{(struct.unpack('>I', mac[off:off + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def other_code(code):
    """A code of the same shape that is certainly wrong."""
    return f"{(int(code[0]) + 1) % 10}{code[1:]}"


def new_confirmed_user(password):
    """Signs a user up with boto3 and confirms it with the code from the dev outbox."""
    username = f"py{uuid.uuid4().hex[:12]}"
    c = idp()
    c.sign_up(
        ClientId=CLIENT_ID,
        Username=username,
        Password=password,
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
    )
    c.confirm_sign_up(ClientId=CLIENT_ID, Username=username, ConfirmationCode=latest_code(username, "SignUp"))
    return username


def test_srp_sign_in_verifies_tokens_against_jwks():
    password = "Py-Passw0rd!"
    username = new_confirmed_user(password)
    u = client(username)
    u.authenticate(password=password)
    # authenticate() already verified both tokens against /<pool>/.well-known/jwks.json.
    assert u.id_claims["cognito:username"] == username
    assert u.id_claims["aud"] == CLIENT_ID
    assert u.id_claims["iss"] == f"{ENDPOINT}/{POOL_ID}"
    assert u.access_claims["token_use"] == "access"
    assert u.access_claims["exp"] > time.time()
    assert u.refresh_token

    # REFRESH_TOKEN_AUTH through pycognito, tokens verified again.
    old_access = u.access_token
    u.renew_access_token()
    assert u.access_token != old_access
    assert u.access_claims["username"] == username


def test_seeded_user_signs_in():
    u = client("demo")
    u.authenticate(password="DemoPassw0rd!")
    assert u.id_claims["email"] == "demo@example.com"


def test_wrong_password_is_rejected():
    username = new_confirmed_user("Py-Passw0rd!")
    with pytest.raises(botocore.exceptions.ClientError) as err:
        client(username).authenticate(password="Not-the-passw0rd!")
    assert err.value.response["Error"]["Code"] == "NotAuthorizedException"
    assert err.value.response["Error"]["Message"] == "Incorrect username or password."


def test_confidential_client_srp_with_secret_hash():
    password = "Py-Passw0rd!"
    username = new_confirmed_user(password)
    u = client(username, CONF_CLIENT_ID, CONF_CLIENT_SECRET)
    # pycognito adds SECRET_HASH to InitiateAuth and to the PASSWORD_VERIFIER answer.
    u.authenticate(password=password)
    assert u.id_claims["aud"] == CONF_CLIENT_ID
    assert u.access_claims["client_id"] == CONF_CLIENT_ID
    assert u.id_claims["cognito:username"] == username
    # REFRESH_TOKEN_AUTH with SECRET_HASH.
    old_access = u.access_token
    u.renew_access_token()
    assert u.access_token != old_access
    assert u.access_claims["client_id"] == CONF_CLIENT_ID

    # A wrong secret, or none, is refused with AWS's messages.
    for secret, message in (
        ("not-the-secret", f"Unable to verify secret hash for client {CONF_CLIENT_ID}"),
        (None, f"Client {CONF_CLIENT_ID} is configured for secret but secret was not received"),
    ):
        with pytest.raises(botocore.exceptions.ClientError) as err:
            client(username, CONF_CLIENT_ID, secret).authenticate(password=password)
        assert err.value.response["Error"]["Code"] == "NotAuthorizedException"
        assert err.value.response["Error"]["Message"] == message


def test_new_password_challenge_for_admin_created_user():
    username = f"pyadm{uuid.uuid4().hex[:10]}"
    temporary = "Temp-Passw0rd!"
    created = idp().admin_create_user(
        UserPoolId=POOL_ID,
        Username=username,
        TemporaryPassword=temporary,
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": f"{username}@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    assert created["User"]["UserStatus"] == "FORCE_CHANGE_PASSWORD"

    # A plain sign-in stops at NEW_PASSWORD_REQUIRED, which pycognito raises.
    with pytest.raises(ForceChangePasswordException):
        client(username).authenticate(password=temporary)

    u = client(username)
    u.new_password_challenge(password=temporary, new_password="Final-Passw0rd!")
    assert u.id_claims["cognito:username"] == username
    assert u.id_claims["email"] == f"{username}@example.com"
    assert idp().admin_get_user(UserPoolId=POOL_ID, Username=username)["UserStatus"] == "CONFIRMED"

    with pytest.raises(botocore.exceptions.ClientError) as err:
        client(username).authenticate(password=temporary)
    assert err.value.response["Error"]["Code"] == "NotAuthorizedException"
    again = client(username)
    again.authenticate(password="Final-Passw0rd!")
    assert again.access_claims["username"] == username


def test_forgot_password_round_trip():
    username = new_confirmed_user("Py-Passw0rd!")
    u = client(username)
    u.initiate_forgot_password()
    code = latest_code(username, "ForgotPassword")

    with pytest.raises(botocore.exceptions.ClientError) as err:
        client(username).confirm_forgot_password(other_code(code), "Py-N3w-Passw0rd!")
    assert err.value.response["Error"]["Code"] == "CodeMismatchException"

    client(username).confirm_forgot_password(code, "Py-N3w-Passw0rd!")
    with pytest.raises(botocore.exceptions.ClientError) as err:
        client(username).authenticate(password="Py-Passw0rd!")
    assert err.value.response["Error"]["Code"] == "NotAuthorizedException"
    signed_in = client(username)
    signed_in.authenticate(password="Py-N3w-Passw0rd!")
    assert signed_in.id_claims["cognito:username"] == username

    # The code is single use.
    with pytest.raises(botocore.exceptions.ClientError) as err:
        client(username).confirm_forgot_password(code, "Py-Other-Passw0rd!")
    assert err.value.response["Error"]["Code"] in ("CodeMismatchException", "ExpiredCodeException")


def test_forgot_password_with_confidential_client():
    username = new_confirmed_user("Py-Passw0rd!")
    # ForgotPassword/ConfirmForgotPassword carry SecretHash for a client with a secret.
    client(username, CONF_CLIENT_ID, CONF_CLIENT_SECRET).initiate_forgot_password()
    code = latest_code(username, "ForgotPassword")
    client(username, CONF_CLIENT_ID, CONF_CLIENT_SECRET).confirm_forgot_password(code, "Py-N3w-Passw0rd!")
    u = client(username, CONF_CLIENT_ID, CONF_CLIENT_SECRET)
    u.authenticate(password="Py-N3w-Passw0rd!")
    assert u.id_claims["aud"] == CONF_CLIENT_ID


def test_totp_mfa():
    password = "Py-Passw0rd!"
    username = new_confirmed_user(password)
    u = client(username)
    u.authenticate(password=password)
    secret = u.associate_software_token()
    setup_code = totp(secret)
    u.verify_software_token(setup_code, "pytest")
    u.set_user_mfa_preference(sms_mfa=False, software_token_mfa=True, preferred="SOFTWARE_TOKEN")

    again = client(username)
    with pytest.raises(SoftwareTokenMFAChallengeException):
        again.authenticate(password=password)
    # A fresh code: wait for the next 30 s step if the set-up code is still current.
    deadline = time.time() + 40
    code = totp(secret)
    while code == setup_code and time.time() < deadline:
        time.sleep(1)
        code = totp(secret)
    again.respond_to_software_token_mfa_challenge(code)
    assert again.access_claims["username"] == username


def test_profile_password_and_global_sign_out():
    password = "Py-Passw0rd!"
    username = new_confirmed_user(password)
    u = client(username)
    u.authenticate(password=password)

    # GetUser / UpdateUserAttributes through pycognito's user object.
    user = u.get_user()
    assert user.username == username
    assert user.email == f"{username}@example.com"
    u.update_profile({"name": "Py Thon", "family_name": "Thon"})
    user = u.get_user()
    assert user.name == "Py Thon"
    assert user.family_name == "Thon"

    # ChangePassword: the old password stops working.
    u.change_password(password, "Py-Chang3d-Passw0rd!")
    with pytest.raises(botocore.exceptions.ClientError) as err:
        client(username).authenticate(password=password)
    assert err.value.response["Error"]["Code"] == "NotAuthorizedException"

    # logout() is GlobalSignOut (pycognito then forgets the tokens): the refresh and access tokens
    # stop working on the server.
    refresh_token, access_token = u.refresh_token, u.access_token
    u.logout()
    assert u.access_token is None
    with pytest.raises(botocore.exceptions.ClientError) as err:
        idp().initiate_auth(ClientId=CLIENT_ID, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh_token})
    assert err.value.response["Error"]["Code"] == "NotAuthorizedException"
    with pytest.raises(botocore.exceptions.ClientError) as err:
        idp().get_user(AccessToken=access_token)
    assert err.value.response["Error"]["Code"] == "NotAuthorizedException"
    assert err.value.response["Error"]["Message"] == "Access Token has been revoked"
