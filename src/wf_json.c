/**
 * collectd-workforce - src/wf_json.c
 * SPDX-License-Identifier: MIT
 **/
#include "wf_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Answers are flat records; anything deeper than this is hostile. */
#define WF_JSON_MAX_DEPTH 32

json_object *wf_json_parse(const char *text, size_t size, char *error,
                           size_t error_size) {
  if (text == NULL || size == 0) {
    snprintf(error, error_size, "empty answer");
    return NULL;
  }
  if (size > INT32_MAX) {
    snprintf(error, error_size, "answer too large to parse");
    return NULL;
  }

  json_tokener *tok = json_tokener_new_ex(WF_JSON_MAX_DEPTH);
  if (tok == NULL) {
    snprintf(error, error_size, "out of memory");
    return NULL;
  }
  json_object *obj = json_tokener_parse_ex(tok, text, (int)size);
  enum json_tokener_error jerr = json_tokener_get_error(tok);
  if (obj == NULL || jerr != json_tokener_success) {
    if (jerr == json_tokener_continue)
      snprintf(error, error_size, "answer is not complete JSON");
    else
      snprintf(error, error_size, "answer is not JSON: %s",
               json_tokener_error_desc(jerr));
    json_object_put(obj);
    json_tokener_free(tok);
    return NULL;
  }
  /* Trailing bytes after the value mean the answer is not one document. */
  size_t used = json_tokener_get_parse_end(tok);
  json_tokener_free(tok);
  for (; used < size; used++) {
    char ch = text[used];
    if (ch != ' ' && ch != '\n' && ch != '\r' && ch != '\t') {
      snprintf(error, error_size, "answer has data after the JSON value");
      json_object_put(obj);
      return NULL;
    }
  }
  return obj;
}

/* Member `key` of `obj` if it has type `type`. */
static json_object *json_member(json_object *obj, const char *key,
                                json_type type) {
  json_object *value = NULL;
  if (obj == NULL || !json_object_is_type(obj, json_type_object))
    return NULL;
  if (!json_object_object_get_ex(obj, key, &value))
    return NULL;
  return json_object_is_type(value, type) ? value : NULL;
}

json_object *wf_json_object(json_object *obj, const char *key) {
  return json_member(obj, key, json_type_object);
}

json_object *wf_json_array(json_object *obj, const char *key) {
  return json_member(obj, key, json_type_array);
}

const char *wf_json_string(json_object *obj, const char *key) {
  json_object *value = json_member(obj, key, json_type_string);
  return (value != NULL) ? json_object_get_string(value) : NULL;
}

bool wf_json_int64(json_object *obj, const char *key, int64_t *result) {
  json_object *value = json_member(obj, key, json_type_int);
  if (value != NULL) {
    errno = 0;
    int64_t v = json_object_get_int64(value);
    if (errno != 0)
      return false;
    *result = v;
    return true;
  }

  const char *text = wf_json_string(obj, key);
  if (text == NULL || text[0] == '\0')
    return false;
  char *end = NULL;
  errno = 0;
  long long v = strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0')
    return false;
  *result = (int64_t)v;
  return true;
}

bool wf_json_bool(json_object *obj, const char *key, bool *result) {
  json_object *value = json_member(obj, key, json_type_boolean);
  if (value != NULL) {
    *result = json_object_get_boolean(value);
    return true;
  }
  const char *text = wf_json_string(obj, key);
  if (text != NULL && strcmp(text, "true") == 0) {
    *result = true;
    return true;
  }
  if (text != NULL && strcmp(text, "false") == 0) {
    *result = false;
    return true;
  }
  return false;
}

bool wf_json_cursor(json_object *obj, const char *key, char *buffer,
                    size_t size) {
  int64_t number;
  const char *text = wf_json_string(obj, key);
  if (text != NULL) {
    snprintf(buffer, size, "%s", text);
    return true;
  }
  if (wf_json_int64(obj, key, &number)) {
    snprintf(buffer, size, "%lld", (long long)number);
    return true;
  }
  return false;
}
