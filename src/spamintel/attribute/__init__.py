"""Attribute stage: campaigns (MinHash-LSH), botnet signatures (YAML) and sender-cluster
discovery, run over the event store as one analysis job."""

from spamintel.attribute.run import AttributionSummary, attribute
from spamintel.config import AttributeConfig

__all__ = ["AttributeConfig", "AttributionSummary", "attribute"]
