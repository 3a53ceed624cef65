"""MEDIA_STORAGE: uploaded files on disk (the default) or in an S3-compatible bucket, by configuration only."""

import json
import os
import subprocess
import sys

SETTINGS = (
    "import django, json, sys; django.setup(); from django.conf import settings as s;"
    "d = s.STORAGES['default'];"
    "print(json.dumps({'backend': d['BACKEND'], 'options': d.get('OPTIONS', {}),"
    " 'img': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'], 'redirect': s.MEDIA_SIGNED_REDIRECT,"
    " 'boto3': 'boto3' in sys.modules}))"
)
S3_NAMES = ("MEDIA_STORAGE", "AWS_", "MEDIA_ACCEL_REDIRECT", "MEDIA_SIGNED", "MEDIA_ORIGINS")


def run(code, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(S3_NAMES)}
    clean.update({"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "beefeed.settings", **env})
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True)


def settings_with(**env):
    out = run(SETTINGS, **env)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_without_configuration_photos_stay_on_disk_and_boto3_is_never_loaded():
    answer = settings_with()
    assert answer["backend"] == "beefeed.privatemedia.MediaStorage"
    assert not answer["redirect"] and not answer["boto3"]


def test_a_bucket_name_chooses_the_s3_backend_with_the_services_address():
    answer = settings_with(
        AWS_STORAGE_BUCKET_NAME="beefeed-photos",
        AWS_S3_ENDPOINT_URL="https://oss-cn-hangzhou.aliyuncs.com",
        AWS_S3_REGION_NAME="cn-hangzhou",
        AWS_ACCESS_KEY_ID="LTAI-id",
        AWS_SECRET_ACCESS_KEY="secret",
        AWS_S3_ADDRESSING_STYLE="virtual",
        AWS_S3_CUSTOM_DOMAIN="img.example.org",
        AWS_LOCATION="beefeed/",
    )
    assert answer["backend"] == "beefeed.s3media.S3MediaStorage" and answer["redirect"]
    options = answer["options"]
    assert options["bucket_name"] == "beefeed-photos" and options["region_name"] == "cn-hangzhou"
    assert options["endpoint_url"] == "https://oss-cn-hangzhou.aliyuncs.com"
    assert options["access_key"] == "LTAI-id" and options["secret_key"] == "secret"
    assert options["addressing_style"] == "virtual" and options["location"] == "beefeed/"
    assert options["custom_domain"] == "img.example.org" and options["querystring_auth"] is True
    # Pages may show pictures from the bucket (a signed redirect's target) and the custom domain.
    assert "https://beefeed-photos.oss-cn-hangzhou.aliyuncs.com" in answer["img"]
    assert "https://img.example.org" in answer["img"]


def test_a_wrong_storage_configuration_stops_with_a_clear_message():
    for env, message in (
        ({"MEDIA_STORAGE": "s3"}, "needs AWS_STORAGE_BUCKET_NAME"),
        ({"MEDIA_STORAGE": "ftp"}, "must be filesystem or s3"),
        ({"AWS_STORAGE_BUCKET_NAME": "b1", "MEDIA_ACCEL_REDIRECT": "/protected-media/"}, "leave it empty"),
    ):
        out = run(SETTINGS, **env)
        assert out.returncode != 0 and message in out.stderr, env


def test_the_deploy_check_warns_when_a_bucket_is_streamed_through_the_workers():
    code = (
        "import django; django.setup(); from django.core.management import call_command;"
        "call_command('check', '--deploy', '--fail-level', 'CRITICAL')"
    )
    streamed = run(code, AWS_STORAGE_BUCKET_NAME="b1", MEDIA_SIGNED_REDIRECT="0", SERVE_MEDIA="0")
    assert "beefeed.W003" in streamed.stderr + streamed.stdout
    redirected = run(code, AWS_STORAGE_BUCKET_NAME="b1", SERVE_MEDIA="0")
    assert "beefeed.W003" not in redirected.stderr + redirected.stdout
    assert "beefeed.W002" not in redirected.stderr + redirected.stdout
