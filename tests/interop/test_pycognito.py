"""pycognito (the reference Python client, unmodified from PyPI) against cognito-local.

pycognito signs in with USER_SRP_AUTH through boto3 and then verifies both tokens itself:
RS256 signature against our JWKS, `iss`, `aud`, `exp` and `token_use`.
"""

import os
import time
import uuid

import boto3
import botocore.exceptions
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from pycognito import Cognito

ENDPOINT = os.environ.get("COGNITO_ENDPOINT", "http://127.0.0.1:9229")
POOL_ID = "us-east-1_LocalPool1"
CLIENT_ID = "localspaclient000000000001"
# The public operations need no AWS credentials; UNSIGNED keeps boto3 from looking for any.
BOTO_CONFIG = Config(signature_version=UNSIGNED, retries={"max_attempts": 1})


def client(username):
    return Cognito(
        POOL_ID,
        CLIENT_ID,
        username=username,
        botocore_config=BOTO_CONFIG,
        boto3_client_kwargs={"endpoint_url": ENDPOINT},
    )


def new_confirmed_user(password):
    """Signs a user up with boto3 and confirms it with the code from the dev outbox."""
    username = f"py{uuid.uuid4().hex[:12]}"
    idp = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=ENDPOINT, config=BOTO_CONFIG)
    idp.sign_up(
        ClientId=CLIENT_ID,
        Username=username,
        Password=password,
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
    )
    outbox = requests.get(f"{ENDPOINT}/_dev/outbox", params={"username": username}, timeout=10).json()
    code = [m for m in outbox["messages"] if m["username"] == username][-1]["code"]
    idp.confirm_sign_up(ClientId=CLIENT_ID, Username=username, ConfirmationCode=code)
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
