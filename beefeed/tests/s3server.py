"""An S3 server over HTTP on loopback, for the object-storage tests (conftest.s3_server) and
`bench/load.py --media s3`: moto's server mode (`moto.server`, an independent implementation of the
S3 API, from requirements-dev.txt) in its own process on a free port."""

import socket
import subprocess
import sys
import time

KEY_ID, SECRET = "beefeed", "beefeed-secret"
REGION = "us-east-1"


def start():
    """The server's process and its address, once it accepts connections."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60  # importing moto takes a while on a busy machine
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("the S3 server (moto.server) did not start") from None
            time.sleep(0.1)


def stop(process):
    process.terminate()
    process.wait(timeout=10)


def client(endpoint):
    import boto3

    return boto3.client(
        "s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET
    )


def environment(endpoint, bucket):
    """What MEDIA_STORAGE=s3 needs to use `bucket` of this server (beefeed.settings)."""
    return {
        "MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_ACCESS_KEY_ID": KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_S3_ADDRESSING_STYLE": "path",
    }
