/**
 * collectd-workforce - src/wf_sign.c
 * SPDX-License-Identifier: MIT
 **/
#include "wf_sign.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int wf_hmac_sha256_base64(const void *key, size_t key_size, const void *message,
                          size_t message_size, char *out, size_t out_size) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  /* HMAC() with an empty message needs a non-NULL pointer. */
  static const unsigned char empty[1] = {0};

  if (key_size > 0x7fffffff || HMAC(EVP_sha256(), key, (int)key_size,
                                    (message_size > 0) ? message : empty,
                                    message_size, digest, &digest_size) == NULL)
    return -1;
  /* base64 of 32 bytes is 44 characters and a NUL. */
  if (out_size < 4 * ((digest_size + 2) / 3) + 1)
    return -1;
  EVP_EncodeBlock((unsigned char *)out, digest, (int)digest_size);
  return 0;
}

/* Joins "<number>\n<secret>" into a new string. */
static char *sign_stamp_and_secret(long long stamp, const char *secret) {
  size_t size = strlen(secret) + 32;
  char *text = malloc(size);
  if (text != NULL)
    snprintf(text, size, "%lld\n%s", stamp, secret);
  return text;
}

int wf_sign_dingtalk(const char *secret, long long timestamp_ms, char *out,
                     size_t out_size) {
  char *message = sign_stamp_and_secret(timestamp_ms, secret);
  if (message == NULL)
    return -1;
  int status = wf_hmac_sha256_base64(secret, strlen(secret), message,
                                     strlen(message), out, out_size);
  free(message);
  return status;
}

int wf_sign_feishu(const char *secret, long long timestamp_s, char *out,
                   size_t out_size) {
  char *key = sign_stamp_and_secret(timestamp_s, secret);
  if (key == NULL)
    return -1;
  int status = wf_hmac_sha256_base64(key, strlen(key), "", 0, out, out_size);
  free(key);
  return status;
}
