"""SigV4 signing for environments whose API uses IAM auth (`pip install serverless-spacy-client[sigv4]`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class SigV4Signer:
    """Signs each request with botocore's SigV4 for API Gateway (service "execute-api").

    `credentials` is a botocore Credentials object; without it, the default chain (environment, profile,
    instance or task role) is asked when the signer is made.
    """

    def __init__(self, region: str, credentials: Any = None, service: str = "execute-api") -> None:
        from botocore.auth import SigV4Auth
        from botocore.session import get_session

        credentials = credentials or get_session().get_credentials()
        if credentials is None:
            raise ValueError("SigV4Signer: no AWS credentials found (environment, profile or role)")
        self._auth = SigV4Auth(credentials, service, region)

    def sign(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None) -> dict[str, str]:
        """The headers to send: `headers` plus Authorization, X-Amz-Date (and X-Amz-Security-Token)."""
        from botocore.awsrequest import AWSRequest

        request = AWSRequest(method=method, url=url, headers=dict(headers), data=body or b"")
        self._auth.add_auth(request)
        return dict(request.headers.items())
