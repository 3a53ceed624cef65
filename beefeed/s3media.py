"""Uploaded files in an S3-compatible bucket (MEDIA_STORAGE=s3): Alibaba OSS, Tencent COS, MinIO, AWS.

django-storages' S3Storage with BeeFeed's two rules about addresses (beefeed.privatemedia):

- a file of a private directory (report, rating and volunteers' photos) gets the checked URL /photos/…,
  never a bucket address: the bucket stays private, and whoever may see the photo is redirected to a
  signed URL valid MEDIA_SIGNED_URL_SECONDS (`signed_url`), or sent the bytes by Django;
- a public file (station photos, seals, reward pictures) gets the bucket's or the custom domain's plain
  URL when the bucket lets anyone read it (AWS_QUERYSTRING_AUTH=0), else MEDIA_URL/<name>, a stable
  address that redirects to a fresh signed URL (a cached page never holds an expired signature).

Kept apart from beefeed.privatemedia so that an installation on disk never imports boto3.
"""

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from beefeed.privatemedia import PrivateUrlsMixin


class S3MediaStorage(PrivateUrlsMixin, S3Storage):
    def public_url(self, name):
        if self.querystring_auth and not self.custom_domain:
            return settings.MEDIA_URL + filepath_to_uri(name)
        return super().public_url(name)

    def signed_url(self, name, *, seconds, cache_control):
        """A URL of the bucket's own endpoint that fetches `name` for `seconds`, whatever the public URLs
        are; the bucket answers it with `cache_control`."""
        params = {
            "Bucket": self.bucket_name,
            "Key": self._normalize_name(clean_name(name)),
            "ResponseCacheControl": cache_control,
        }
        return self.connection.meta.client.generate_presigned_url("get_object", Params=params, ExpiresIn=seconds)
