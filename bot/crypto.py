"""The callback envelope: signature, replay window and AES decryption over wechatpy's WeChatCrypto."""

from __future__ import annotations

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.exceptions import InvalidSignatureException

from kernel.clock import Clock, SystemClock

MAX_CLOCK_SKEW_SECONDS = 600


class CallbackRejected(Exception):
    """Why a callback was refused: the HTTP status to answer and a log line without secrets."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def parse_xml_fields(xml: str | bytes) -> dict[str, str]:
    """Flat `<xml><Tag>text</Tag>…</xml>` to a dict, refusing DTDs and entities."""
    try:
        root = ElementTree.fromstring(xml, forbid_dtd=True)
    except DefusedXmlException:
        raise CallbackRejected(400, "XML with a DTD or entities refused") from None
    except ElementTree.ParseError:
        raise CallbackRejected(400, "malformed XML") from None
    return {child.tag: (child.text or "").strip() for child in root}


class CallbackCrypto:
    def __init__(self, token: str, encoding_aes_key: str, corp_id: str, clock: Clock | None = None):
        self._crypto = WeChatCrypto(token, encoding_aes_key, corp_id)
        self._clock = clock or SystemClock()

    def verify_url(self, signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """Answer WeCom's URL check: the decrypted echostr."""
        self._check_fresh(timestamp)
        return self._decrypt(lambda: self._crypto.check_signature(signature, timestamp, nonce, echostr))

    def decrypt_callback(self, body: bytes, signature: str, timestamp: str, nonce: str) -> str:
        """The decrypted inner XML of a POSTed callback."""
        self._check_fresh(timestamp)
        encrypted = parse_xml_fields(body).get("Encrypt")
        if not encrypted:
            raise CallbackRejected(400, "no Encrypt element")
        return self._decrypt(lambda: self._crypto.decrypt_message({"Encrypt": encrypted}, signature, timestamp, nonce))

    def encrypt(self, xml: str, nonce: str, timestamp: str) -> str:
        """The envelope WeCom would post for `xml` (used by tests, the console and benchmarks)."""
        return self._crypto.encrypt_message(xml, nonce, timestamp)

    def _check_fresh(self, timestamp: str) -> None:
        try:
            sent_at = int(timestamp)
        except ValueError:
            raise CallbackRejected(403, "timestamp is not a number") from None
        if abs(self._clock.now().timestamp() - sent_at) > MAX_CLOCK_SKEW_SECONDS:
            raise CallbackRejected(403, "timestamp more than 10 minutes off (replay?)")

    @staticmethod
    def _decrypt(call) -> str:
        try:
            return call()
        except InvalidSignatureException:
            raise CallbackRejected(403, "bad msg_signature") from None
        except InvalidCorpIdException:
            raise CallbackRejected(400, "payload is for another CorpID") from None
        except Exception:
            # Signed but broken inside (bad padding, a length field past the end, not UTF-8):
            # whatever wechatpy trips over, it is the sender's fault, never ours.
            raise CallbackRejected(400, "payload does not decrypt") from None
