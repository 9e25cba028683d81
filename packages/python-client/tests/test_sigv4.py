"""SigV4 signing with the real botocore: what reaches a server carries a signature that botocore, given the
same credentials, computes again from the received method, path, signed headers and body."""

from __future__ import annotations

import re

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from recorder import Recorded, recording_server
from serverless_spacy_client import SigV4Signer, SpacyApiError, SpacyClient

REGION = "eu-west-1"
AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/"
    r"aws4_request, "
    r"SignedHeaders=(?P<signed>[^,]+), Signature=(?P<signature>[0-9a-f]{64})"
)


def _signature_of(received: Recorded, url: str, credentials: Credentials) -> str:
    """The signature botocore computes for the request as the server received it."""
    match = AUTHORIZATION.fullmatch(received.headers["Authorization"])
    assert match
    lowered = {name.lower(): value for name, value in received.headers.items()}
    signed = {name: lowered[name] for name in match["signed"].split(";")}
    request = AWSRequest(
        method=received.method, url=f"{url}{received.path}", headers=signed, data=received.body
    )
    request.context["timestamp"] = lowered["x-amz-date"]
    auth = SigV4Auth(credentials, "execute-api", REGION)
    return auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)


@pytest.mark.parametrize("token", [None, "session-token"])
def test_a_signed_post_carries_a_signature_botocore_verifies(token):
    credentials = Credentials("AKIDEXAMPLE", "secret-key", token)
    with recording_server() as server:
        server.answer = [{"text": "Google", "label": "ORG", "start": 12, "end": 18}]
        client = SpacyClient(server.url, signer=SigV4Signer(REGION, credentials))
        assert client.entities("He works at Google.") == server.answer
    (received,) = server.requests
    match = AUTHORIZATION.fullmatch(received.headers["Authorization"])
    assert match, received.headers["Authorization"]
    assert (match["key"], match["region"], match["service"]) == ("AKIDEXAMPLE", REGION, "execute-api")
    assert match["date"] == received.headers["X-Amz-Date"][:8]
    assert {"host", "x-amz-date", "content-type"} <= set(match["signed"].split(";"))
    assert received.headers.get("X-Amz-Security-Token") == token
    assert ("x-amz-security-token" in match["signed"].split(";")) == (token is not None)
    assert received.body == b'{"text": "He works at Google."}'
    assert match["signature"] == _signature_of(received, server.url, credentials)
    # The check can fail: another secret, or another body, gives another signature.
    assert match["signature"] != _signature_of(
        received, server.url, Credentials("AKIDEXAMPLE", "other", token)
    )
    tampered = Recorded(received.method, received.path, received.headers, b'{"text": "He works at Apple."}')
    assert match["signature"] != _signature_of(tampered, server.url, credentials)


def test_a_signed_get_of_a_model_route_signs_the_model_path_and_a_gateway_refusal_is_unexpected_response():
    credentials = Credentials("AKIDEXAMPLE", "secret-key")
    with recording_server() as server:
        server.status, server.answer = 403, {"message": "Forbidden"}
        client = SpacyClient(
            f"{server.url}/prod", model="en_core_web_sm", signer=SigV4Signer(REGION, credentials)
        )
        with pytest.raises(SpacyApiError) as caught:
            client.health()
    assert (caught.value.status, caught.value.code) == (403, "unexpected_response")
    assert "Forbidden" in caught.value.message
    (received,) = server.requests
    assert (received.method, received.path, received.body) == (
        "GET",
        "/prod/models/en_core_web_sm/health",
        b"",
    )
    match = AUTHORIZATION.fullmatch(received.headers["Authorization"])
    assert match
    assert match["signature"] == _signature_of(received, server.url, credentials)
