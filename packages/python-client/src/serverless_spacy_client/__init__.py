"""Typed Python client for the serverless-spacy HTTP API."""

from serverless_spacy_client.client import RequestSigner, SpacyClient
from serverless_spacy_client.errors import ErrorCode, SpacyApiError
from serverless_spacy_client.sigv4 import SigV4Signer
from serverless_spacy_client.types import (
    Analysis,
    AnalysisField,
    AnalysisSentence,
    AnalysisSpan,
    AnalysisToken,
    Entity,
    HealthModel,
    HealthResponse,
    ModelInfo,
    ModelsResponse,
)

__all__ = [
    "Analysis",
    "AnalysisField",
    "AnalysisSentence",
    "AnalysisSpan",
    "AnalysisToken",
    "Entity",
    "ErrorCode",
    "HealthModel",
    "HealthResponse",
    "ModelInfo",
    "ModelsResponse",
    "RequestSigner",
    "SigV4Signer",
    "SpacyApiError",
    "SpacyClient",
]
