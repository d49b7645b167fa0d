/**
 * collectd-workforce - src/wf_sign.h
 * SPDX-License-Identifier: MIT
 *
 * Signatures of group robot messages (doc/platform-notes.md, Group robots), on
 * OpenSSL's libcrypto.
 **/
#ifndef WF_SIGN_H
#define WF_SIGN_H

#include <stddef.h>

/* Writes base64(HMAC-SHA256(key, message)). Returns 0, or -1 when the
 * buffer is too small or libcrypto failed. */
int wf_hmac_sha256_base64(const void *key, size_t key_size, const void *message,
                          size_t message_size, char *out, size_t out_size);

/* DingTalk custom robot: base64(HMAC-SHA256(key = secret,
 * message = timestamp_ms + "\n" + secret)), not yet URL-encoded. */
int wf_sign_dingtalk(const char *secret, long long timestamp_ms, char *out,
                     size_t out_size);

/* Feishu custom bot: base64(HMAC-SHA256(key = timestamp_s + "\n" +
 * secret, message = "")). */
int wf_sign_feishu(const char *secret, long long timestamp_s, char *out,
                   size_t out_size);

#endif /* WF_SIGN_H */
