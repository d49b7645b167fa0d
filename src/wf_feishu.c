/**
 * collectd-workforce - src/wf_feishu.c
 * SPDX-License-Identifier: MIT
 *
 * Feishu answers carry {"code", "msg", "data"}: code 0 is success. The
 * tenant access token travels as "Authorization: Bearer <token>"; codes
 * 99991661, 99991663, 99991664, 99991668 and 99991671 mean it was missing
 * or refused. Throttling (HTTP 429, code 99991400) says in
 * x-ogw-ratelimit-reset how long to wait: the call is not retried, the
 * collector waits that long before its next poll.
 **/
#include "wf_feishu.h"
#include "wf_common.h"
#include "wf_endpoint.h"
#include "wf_feishu_private.h"
#include "wf_json.h"
#include "wf_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* user_tasks/query takes at most 50 users a call. */
#define FS_ATTENDANCE_BATCH ((size_t)wf_endpoint(WF_EP_USER_TASKS)->batch)
/* Calls of one collector on the wire at once, at most; the rate limits
 * decide how fast they go. */
#define FS_WINDOW 16

/* True for the codes that mean the tenant access token is bad. */
static bool fs_token_error(int64_t code) {
  return code == 99991661 || code == 99991663 || code == 99991664 ||
         code == 99991668 || code == 99991671;
}

UNITTEST wf_verdict_t fs_classify(wf_host_t host, const char *endpoint,
                                  long http_status, json_object *answer,
                                  wf_error_t *err) {
  int64_t code = 0;
  bool has_code = wf_json_int64(answer, "code", &code);
  (void)host; /* one host */

  wf_error_clear(err);
  snprintf(err->endpoint, sizeof(err->endpoint), "%s", endpoint);
  err->http_status = http_status;
  err->errcode = code;

  if (has_code && code == 0 && http_status == 200)
    return WF_VERDICT_OK;
  if (has_code && fs_token_error(code))
    return WF_VERDICT_TOKEN;
  if (http_status == 429 || (has_code && code == 99991400))
    return WF_VERDICT_THROTTLE;
  if (http_status >= 500)
    return WF_VERDICT_RETRY;
  if (has_code && code != 0) {
    wf_error_set(err, WF_ERR_PLATFORM, endpoint, "the platform refused");
    return WF_VERDICT_FAIL;
  }
  if (http_status == 200)
    wf_error_set(err, WF_ERR_BAD_ANSWER, endpoint,
                 (answer == NULL) ? "answer is not JSON"
                                  : "answer has no code");
  else
    wf_error_set(err, WF_ERR_PLATFORM, endpoint, "the platform refused");
  return WF_VERDICT_FAIL;
}

/* Fetches a tenant access token into the client's cache. */
static int fs_fetch_token(wf_client_t *client, wf_error_t *err) {
  json_object *request = json_object_new_object();
  char *url = wf_client_join(client->cfg->oapi_url,
                             wf_endpoint(WF_EP_TENANT_TOKEN)->path, "");
  int status = -1;

  if (request == NULL || url == NULL) {
    wf_error_set(err, WF_ERR_NOMEM, "tenantToken", "out of memory");
  } else {
    json_object_object_add(request, "app_id",
                           json_object_new_string(client->cfg->app_key));
    json_object_object_add(request, "app_secret",
                           json_object_new_string(client->cfg->app_secret));
    const char *body =
        json_object_to_json_string_ext(request, JSON_C_TO_STRING_PLAIN);
    const char *headers[] = {"Content-Type: application/json; charset=utf-8",
                             NULL};
    json_object *answer = NULL;
    wf_verdict_t verdict = wf_client_exchange(
        client, wf_endpoint(WF_EP_TENANT_TOKEN)->host, "tenantToken", "POST",
        url, headers, body, &answer, err);
    /* A code in an ordinary answer refuses the app's id or secret. */
    if (verdict == WF_VERDICT_TOKEN ||
        (verdict == WF_VERDICT_FAIL && err->kind == WF_ERR_PLATFORM &&
         err->errcode != 0 && err->http_status < 500)) {
      err->kind = WF_ERR_AUTH;
      snprintf(err->detail, sizeof(err->detail), "AppID or AppSecret refused");
    } else if (verdict == WF_VERDICT_OK) {
      int64_t expire = 7200;
      wf_json_int64(answer, "expire", &expire);
      if (wf_token_store(&client->tokens->token,
                         wf_json_string(answer, "tenant_access_token"),
                         client->clock(), (long)expire) == 0)
        status = 0;
      else
        wf_error_set(err, WF_ERR_BAD_ANSWER, "tenantToken",
                     "answer holds no usable tenant_access_token");
      json_object_put(answer);
    }
  }
  json_object_put(request);
  free(url);
  if (status != 0)
    wf_stats_error(client->stats, "tenantToken");
  return status;
}

/* The token goes into the Authorization header. */
static int fs_authorize(const wf_client_t *client, wf_host_t host,
                        const char *path, char **url, char **header) {
  (void)host; /* one host */
  *url = wf_client_join(client->cfg->oapi_url, path, "");
  *header =
      wf_client_join("Authorization: Bearer ", client->tokens->token.value, "");
  if (*url == NULL || *header == NULL) {
    free(*url);
    free(*header);
    return -1;
  }
  return 0;
}

const wf_client_ops_t wf_feishu_ops = {
    .classify = fs_classify,
    .fetch_token = fs_fetch_token,
    .authorize = fs_authorize,
    /* Feishu says how long to wait; waiting is done between polls. */
    .max_throttle_retries = 0,
};

void wf_feishu_rejects_free(wf_feishu_rejects_t *rejects) {
  wf_strlist_free(&rejects->invalid);
  wf_strlist_free(&rejects->unauthorized);
}

/* Appends the string items of `array` to `list`. */
static int fs_add_ids(json_object *array, wf_strlist_t *list) {
  size_t n = (array != NULL) ? json_object_array_length(array) : 0;
  for (size_t i = 0; i < n; i++) {
    json_object *item = json_object_array_get_idx(array, i);
    if (json_object_is_type(item, json_type_string) &&
        wf_strlist_add(list, json_object_get_string(item)) != 0)
      return -1;
  }
  return 0;
}

/* Reads a user_tasks/query answer: each record's check-in and check-out
 * result of day `today` (yyyyMMdd) into `checkins`, and the rejected ids
 * into `rejects`. Returns 0, or -1 with `err` filled. */
UNITTEST int fs_parse_user_tasks(json_object *answer, long today,
                                 wf_checkins_t *checkins,
                                 wf_feishu_rejects_t *rejects,
                                 wf_error_t *err) {
  json_object *data = wf_json_object(answer, "data");
  if (data == NULL) {
    wf_error_set(err, WF_ERR_BAD_ANSWER, "userTasks", "answer has no data");
    return -1;
  }
  json_object *results = wf_json_array(data, "user_task_results");
  size_t n = (results != NULL) ? json_object_array_length(results) : 0;
  for (size_t i = 0; i < n; i++) {
    json_object *task = json_object_array_get_idx(results, i);
    int64_t day;
    if (wf_json_int64(task, "day", &day) && day != today)
      continue;
    const char *user = wf_json_string(task, "user_id");
    json_object *records = wf_json_array(task, "records");
    size_t m = (records != NULL) ? json_object_array_length(records) : 0;
    for (size_t j = 0; j < m; j++) {
      json_object *record = json_object_array_get_idx(records, j);
      if (wf_checkins_add_feishu(
              checkins, user, wf_json_string(record, "check_in_result")) != 0 ||
          wf_checkins_add_feishu(checkins, user,
                                 wf_json_string(record, "check_out_result")) !=
              0) {
        wf_error_set(err, WF_ERR_NOMEM, "userTasks", "out of memory");
        return -1;
      }
    }
  }
  if (fs_add_ids(wf_json_array(data, "invalid_user_ids"), &rejects->invalid) !=
          0 ||
      fs_add_ids(wf_json_array(data, "unauthorized_user_ids"),
                 &rejects->unauthorized) != 0) {
    wf_error_set(err, WF_ERR_NOMEM, "userTasks", "out of memory");
    return -1;
  }
  return 0;
}

int wf_feishu_attendance(wf_client_t *client, time_t now,
                         const wf_strlist_t *users, wf_metrics_t *out,
                         wf_feishu_rejects_t *rejects, wf_error_t *err) {
  wf_checkins_t checkins;
  long today = wf_local_yyyymmdd(now, client->cfg->utc_offset);
  int status = -1;

  if (wf_checkins_init(&checkins, WF_CHECKINS_FEISHU) != 0) {
    wf_error_set(err, WF_ERR_NOMEM, "userTasks", "out of memory");
    goto out;
  }
  /* Every batch of 50 users at once; the answers are read as they come. */
  wf_batch_t b;
  if (wf_batch_init(&b, client, FS_WINDOW) != 0) {
    wf_error_set(err, WF_ERR_NOMEM, "userTasks", "out of memory");
    goto out;
  }
  int added = 0;
  for (size_t first = 0; added == 0 && first < users->count;
       first += FS_ATTENDANCE_BATCH) {
    json_object *request = json_object_new_object();
    json_object *ids = json_object_new_array();
    if (request == NULL || ids == NULL) {
      json_object_put(ids);
      added = -1;
    } else {
      for (size_t i = first;
           i < users->count && i < first + FS_ATTENDANCE_BATCH; i++)
        json_object_array_add(ids, json_object_new_string(users->items[i]));
      json_object_object_add(request, "user_ids", ids);
      json_object_object_add(request, "check_date_from",
                             json_object_new_int64(today));
      json_object_object_add(request, "check_date_to",
                             json_object_new_int64(today));
      const wf_endpoint_t *ep = wf_endpoint(WF_EP_USER_TASKS);
      char path[128];
      snprintf(path, sizeof(path), "%s?employee_type=employee_id", ep->path);
      if (wf_batch_add(
              &b, ep->host, ep->name, ep->method, path,
              json_object_to_json_string_ext(request, JSON_C_TO_STRING_PLAIN),
              NULL) == NULL)
        added = -1;
    }
    json_object_put(request);
  }
  int failed = 0;
  if (added != 0) {
    wf_error_set(err, WF_ERR_NOMEM, "userTasks", "out of memory");
    failed = -1;
  }
  wf_call_t *call;
  while (failed == 0 && (call = wf_batch_next(&b)) != NULL) {
    if (call->verdict != WF_VERDICT_OK) {
      *err = call->err; /* counted by the batch */
      failed = -1;
    } else if (fs_parse_user_tasks(call->answer, today, &checkins, rejects,
                                   err) != 0) {
      wf_stats_error(client->stats, "userTasks");
      failed = -1;
    }
    wf_call_free(call);
  }
  wf_batch_destroy(&b);
  if (failed != 0)
    goto out;
  if (wf_checkins_metrics(&checkins, out) != 0) {
    wf_error_set(err, WF_ERR_NOMEM, "userTasks", "out of memory");
    goto out;
  }
  status = 0;
out:
  wf_checkins_free(&checkins);
  return status;
}

/* What the leave_employ_expire_records codes ask of the user. Parameter
 * problems are configuration errors; the 5xx-class ones are the
 * platform's and are tried again on the next poll. */
static const struct {
  int64_t code;
  const char *text;
} fs_leave_codes[] = {
    {1220016, "invalid parameter: check EmploymentID and LeaveType"},
    {1220003, "invalid date"},
    {1220001, "no tenant id"},
    {1220006, "employment not found: check EmploymentID"},
    {1220005, "leave type not found: check LeaveType"},
    {1220024, "the leave type has subtypes: configure a subtype id as "
              "LeaveType"},
    {1220029, "the leave type is deactivated"},
    {1220011, "the platform failed to read the employment (tried again next "
              "poll)"},
    {1220012, "the platform's database failed (tried again next poll)"},
    {1229999, "unknown platform error (tried again next poll)"},
};

/* Replaces the detail of a leave_employ_expire_records error with what the
 * code asks of the user. */
static void fs_explain_leave_error(wf_error_t *err) {
  for (size_t i = 0; i < WF_ARRAY_SIZE(fs_leave_codes); i++)
    if (err->errcode == fs_leave_codes[i].code)
      snprintf(err->detail, sizeof(err->detail), "%s", fs_leave_codes[i].text);
}

/* Adds the left quantities of one leave_employ_expire_records answer to
 * `days` and `hours` (millionths). Returns 0, or -1 with `err` filled. */
UNITTEST int fs_parse_expiry(json_object *answer, int64_t *days, int64_t *hours,
                             wf_error_t *err) {
  json_object *data = wf_json_object(answer, "data");
  if (data == NULL) {
    wf_error_set(err, WF_ERR_BAD_ANSWER, "leaveExpiry", "answer has no data");
    return -1;
  }
  json_object *records = wf_json_array(data, "records");
  size_t n = (records != NULL) ? json_object_array_length(records) : 0;
  for (size_t i = 0; i < n; i++) {
    json_object *record = json_object_array_get_idx(records, i);
    int64_t unit = 0;
    int64_t left = 0;
    if (!json_object_is_type(record, json_type_object))
      continue;
    if (wf_decimal_parse(wf_json_string(record, "left_granting_quantity"),
                         &left) != 0) {
      wf_error_set(err, WF_ERR_BAD_ANSWER, "leaveExpiry",
                   "left_granting_quantity is not a decimal number");
      return -1;
    }
    wf_json_int64(record, "granting_unit", &unit);
    if (unit != 1 && unit != 2) {
      wf_error_set(err, WF_ERR_BAD_ANSWER, "leaveExpiry",
                   "granting_unit %lld is neither days (1) nor hours (2)",
                   (long long)unit);
      return -1;
    }
    if (wf_sum_add((unit == 1) ? days : hours, left) != 0) {
      wf_error_set(err, WF_ERR_BAD_ANSWER, "leaveExpiry",
                   "left_granting_quantity adds up beyond any leave");
      return -1;
    }
  }
  return 0;
}

/* The leave still to take that expires in the window, summed over the
 * employments, of one leave type. */
typedef struct {
  int64_t days;  /* millionths */
  int64_t hours; /* millionths */
} fs_expiry_sum_t;

/* Adds the leave_employ_expire_records call of one employment and leave
 * type to the batch. Returns 0, or -1 without memory. */
static int fs_expiry_add(wf_batch_t *b, wf_client_t *client, time_t now,
                         const char *employment, const char *leave_type,
                         int window_days, fs_expiry_sum_t *sum) {
  char start[16];
  char end[16];
  wf_local_format(now, client->cfg->utc_offset, "%Y-%m-%d", start,
                  sizeof(start));
  wf_local_format(now + (time_t)window_days * WF_SECONDS_PER_DAY,
                  client->cfg->utc_offset, "%Y-%m-%d", end, sizeof(end));

  /* The leave type is the path's last part: {path}/{leave_id}?... */
  const wf_endpoint_t *ep = wf_endpoint(WF_EP_LEAVE_EXPIRY);
  char *escaped = wf_http_escape(leave_type);
  char *query =
      (escaped != NULL)
          ? wf_client_join(escaped, "?user_id_type=people_corehr_id", "")
          : NULL;
  char *path = (query != NULL) ? wf_client_join(ep->path, "/", query) : NULL;
  free(query);
  json_object *request = json_object_new_object();
  int status = -1;
  if (path != NULL && request != NULL) {
    json_object_object_add(request, "employment_id",
                           json_object_new_string(employment));
    json_object_object_add(request, "leave_type_id",
                           json_object_new_string(leave_type));
    json_object_object_add(request, "start_expiration_date",
                           json_object_new_string(start));
    json_object_object_add(request, "end_expiration_date",
                           json_object_new_string(end));
    json_object_object_add(request, "time_offset",
                           json_object_new_int(client->cfg->utc_offset / 60));
    /* A GET that carries a JSON body, as the platform documents it. */
    if (wf_batch_add(
            b, ep->host, ep->name, ep->method, path,
            json_object_to_json_string_ext(request, JSON_C_TO_STRING_PLAIN),
            sum) != NULL)
      status = 0;
  }
  json_object_put(request);
  free(path);
  free(escaped);
  return status;
}

int wf_feishu_leave_expiry(wf_client_t *client, time_t now,
                           const wf_strlist_t *employments,
                           const wf_pairs_t *types, int window_days,
                           wf_metrics_t *out, wf_error_t *err) {
  wf_metrics_t rows = {0};
  fs_expiry_sum_t *sums = calloc(types->count + 1, sizeof(*sums));
  wf_batch_t b;
  int status = 0;

  if (sums == NULL || wf_batch_init(&b, client, FS_WINDOW) != 0) {
    free(sums);
    wf_error_set(err, WF_ERR_NOMEM, "leaveExpiry", "out of memory");
    return -1;
  }
  /* Every employment and leave type at once. */
  for (size_t t = 0; status == 0 && t < types->count; t++)
    for (size_t e = 0; status == 0 && e < employments->count; e++)
      status = fs_expiry_add(&b, client, now, employments->items[e],
                             types->items[t].code, window_days, &sums[t]);
  if (status != 0)
    wf_error_set(err, WF_ERR_NOMEM, "leaveExpiry", "out of memory");
  wf_call_t *call;
  while (status == 0 && (call = wf_batch_next(&b)) != NULL) {
    fs_expiry_sum_t *sum = call->ctx;
    if (call->verdict != WF_VERDICT_OK) {
      *err = call->err; /* counted by the batch */
      fs_explain_leave_error(err);
      status = -1;
    } else if (fs_parse_expiry(call->answer, &sum->days, &sum->hours, err) !=
               0) {
      wf_stats_error(client->stats, "leaveExpiry");
      status = -1;
    }
    wf_call_free(call);
  }
  wf_batch_destroy(&b);

  for (size_t t = 0; status == 0 && t < types->count; t++) {
    char instance[WF_NAME_LEN];
    snprintf(instance, sizeof(instance), "%s-days", types->items[t].name);
    status |= wf_metrics_add_gauge(&rows, "leave_expiring", instance,
                                   (double)sums[t].days / WF_DECIMAL_SCALE);
    snprintf(instance, sizeof(instance), "%s-hours", types->items[t].name);
    status |= wf_metrics_add_gauge(&rows, "leave_expiring", instance,
                                   (double)sums[t].hours / WF_DECIMAL_SCALE);
    if (status != 0)
      wf_error_set(err, WF_ERR_NOMEM, "leaveExpiry", "out of memory");
  }
  /* All types or nothing. */
  for (size_t i = 0; status == 0 && i < rows.count; i++)
    status = wf_metrics_add_gauge(out, rows.rows[i].type, rows.rows[i].instance,
                                  rows.rows[i].value.gauge);
  wf_metrics_free(&rows);
  free(sums);
  return status;
}
