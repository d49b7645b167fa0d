/**
 * collectd-workforce - src/wf_json.h
 * SPDX-License-Identifier: MIT
 *
 * Small, defensive accessors over json-c for reading platform answers.
 * Every getter accepts a NULL or mistyped object and reports "absent"
 * rather than crashing, because answers come from the network.
 **/
#ifndef WF_JSON_H
#define WF_JSON_H

#include <json-c/json.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses a whole answer with a nesting limit. Returns a new object to
 * release with json_object_put, or NULL with a reason in `error`. */
json_object *wf_json_parse(const char *text, size_t size, char *error,
                           size_t error_size);

/* Member `key` of `obj` when it has the wanted type, else NULL. */
json_object *wf_json_object(json_object *obj, const char *key);
json_object *wf_json_array(json_object *obj, const char *key);
const char *wf_json_string(json_object *obj, const char *key);

/* Reads an integer member, also when the platform sent it as a decimal
 * string ("50"). Returns true when present and valid. */
bool wf_json_int64(json_object *obj, const char *key, int64_t *value);

/* Reads a boolean member (true/false, also "true"/"false"). */
bool wf_json_bool(json_object *obj, const char *key, bool *value);

/* Reads an integer or string member as text, for paging cursors that come
 * as numbers on one endpoint and strings on another. Returns true when
 * present; `buffer` then holds it. */
bool wf_json_cursor(json_object *obj, const char *key, char *buffer,
                    size_t size);

#endif /* WF_JSON_H */
