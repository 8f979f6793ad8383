"""TestConnectionService V1: echo test of the connection and the certificate the KSZ saw."""

from ksz_client.services.test_connection.models import CertificateInfo, TestConnectionResult
from ksz_client.services.test_connection.service import TestConnectionService

__all__ = ["CertificateInfo", "TestConnectionResult", "TestConnectionService"]
