"""Signs in as the demo supervisor sup.province on 127.0.0.1:PORT and prints the bearer token.

Supervisors sign in with a one-time code (RFC 6238) from the demo TOTP secret; a code is accepted
once, so a step used just before (by the benchmark binary or an earlier run) is skipped by trying
the next one, and after that by waiting for a fresh step.
usage: python3 bench/signin.py PORT
"""
import base64
import hashlib
import hmac
import json
import struct
import sys
import time
import urllib.error
import urllib.request

SECRET = "AEGISDEMOSECRETTOTPFORDEMOONLYAA"


def code(step):
    mac = hmac.new(base64.b32decode(SECRET), struct.pack(">Q", step), hashlib.sha1).digest()
    off = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 1000000)


def main(port):
    for attempt in range(4):
        body = {"username": "sup.province", "password": "Aegis-demo-2026!",
                "totp": code(int(time.time()) // 30 + attempt % 2)}
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/auth/login",
                                     json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
        try:
            print(json.load(urllib.request.urlopen(req))["token"])
            return 0
        except urllib.error.HTTPError:
            if attempt % 2:
                time.sleep(31 - time.time() % 30)
    sys.exit("cannot sign in as sup.province")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
