"""Parse stage: raw bytes → headers in order, the Received chain and sending client,
receive time, decoded subject and text, URLs, attachments, defects."""

from spamintel.config import ParseConfig
from spamintel.parse.message import parse_message, parse_messages
from spamintel.parse.received import Boundary

__all__ = ["Boundary", "ParseConfig", "parse_message", "parse_messages"]
