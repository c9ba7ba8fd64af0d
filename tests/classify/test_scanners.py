import socket
import struct
import threading

from spamintel.classify.malware import EICAR
from spamintel.classify.scanners import SHIPPED_YARA, ClamdScanner, YaraScanner


def test_shipped_yara_rules_find_eicar():
    scanner = YaraScanner([SHIPPED_YARA])
    assert scanner.count >= 3
    assert scanner.scan(EICAR) == ["yara:eicar_test_file"]
    assert scanner.scan(b"just text") == []


def test_user_rules_folder(tmp_path):
    (tmp_path / "mine.yar").write_text('rule my_marker { strings: $a = "MARKER-42" condition: $a }')
    scanner = YaraScanner([tmp_path])
    assert scanner.scan(b"xx MARKER-42 yy") == ["yara:my_marker"]


def _fake_clamd(path, reply):
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)

    def serve():
        conn, _ = server.accept()
        with conn:
            data = b""
            while not data.endswith(struct.pack("!L", 0)):
                data += conn.recv(65536)
            conn.sendall(reply)
        server.close()

    threading.Thread(target=serve, daemon=True).start()


def test_clamd_found(tmp_path):
    path = tmp_path / "clamd.sock"
    _fake_clamd(path, b"stream: Eicar-Signature FOUND\0")
    assert ClamdScanner(str(path)).scan(EICAR) == ["clamav:Eicar-Signature"]


def test_clamd_clean_and_missing_socket(tmp_path):
    path = tmp_path / "clamd.sock"
    _fake_clamd(path, b"stream: OK\0")
    assert ClamdScanner(str(path)).scan(b"hello") == []
    assert ClamdScanner(str(tmp_path / "none.sock")).scan(b"x")[0].startswith("clamd_error")
