/**
 * collectd-workforce - src/wf_dingtalk.c
 *
 * DingTalk has two API families with different conventions (api/NOTES.md):
 *
 *   oapi   {OapiURL}/gettoken, /topapi/...: the token travels as the
 *          access_token query parameter; errors come as HTTP 200 with a
 *          non-zero errcode.
 *   v1.0   {ApiURL}/v1.0/...: the token travels in the
 *          x-acs-dingtalk-access-token header; errors come as HTTP 4xx/5xx
 *          with a textual code.
 *
 * Every request goes through dt_call, which holds the token logic (fetch,
 * cache, drop and retry once when refused), and dt_exchange, which holds
 * the retry logic for answers that mean "busy" or "slow down". Both count
 * requests and failures in the account's statistics.
 **/
#include "wf_dingtalk.h"
#include "wf_common.h"
#include "wf_dingtalk_private.h"
#include "wf_json.h"
#include "wf_pager.h"
#include "wf_time.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Pages of DingTalk lists hold at most 50 items (queryonjob, querypreentry
 * and empLeaveRecords alike). */
#define DT_PAGE_SIZE 50

/* Retries within one call, and the pauses before them. */
#define DT_MAX_BUSY_RETRIES 3
#define DT_MAX_THROTTLE_RETRIES 2
#define DT_MAX_TRANSPORT_RETRIES 2
#define DT_BUSY_PAUSE_MS 500
#define DT_THROTTLE_PAUSE_MS 1000
/* A platform that asks for a longer pause than this ends the poll; the
 * account then waits out the pause between polls instead. */
#define DT_MAX_INLINE_PAUSE_S 5

void wf_dingtalk_init(wf_dingtalk_t *dt, const wf_account_config_t *cfg,
                      wf_http_t *http, wf_stats_t *stats, wf_clock_fn clock,
                      wf_sleep_fn sleep) {
  memset(dt, 0, sizeof(*dt));
  dt->cfg = cfg;
  dt->http = http;
  dt->stats = stats;
  dt->clock = clock;
  dt->sleep = sleep;
}

void wf_dingtalk_destroy(wf_dingtalk_t *dt) { wf_token_drop(&dt->token); }

/* True for the oapi errcodes that mean the access token is bad. */
static bool oapi_token_error(int64_t errcode) {
  return errcode == 40001 || errcode == 40014 || errcode == 41001 ||
         errcode == 42001 || errcode == 88;
}

/* True for the 900xx errcodes that ask for a pause (90020 is the monthly
 * quota and is not among them). */
static bool oapi_throttle_error(int64_t errcode) {
  return errcode >= 90001 && errcode <= 90019;
}

/* Classifies one answer. `answer` may be NULL when the body is not JSON.
 * Fills the status and codes of `err`, and its kind when the verdict is
 * DT_FAIL or may become a failure. */
UNITTEST dt_verdict_t dt_classify(dt_host_t host, const char *endpoint,
                                  long http_status, json_object *answer,
                                  wf_error_t *err) {
  int64_t errcode = 0;
  int64_t ip_status = 0;
  const char *code = wf_json_string(answer, "code");

  wf_error_clear(err);
  snprintf(err->endpoint, sizeof(err->endpoint), "%s", endpoint);
  err->http_status = http_status;
  if (code != NULL)
    snprintf(err->code, sizeof(err->code), "%s", code);

  /* The per-IP block answers {"status":1111,"wait":5,...} without errcode. */
  if (wf_json_int64(answer, "status", &ip_status) && ip_status == 1111) {
    int64_t wait = 5;
    wf_json_int64(answer, "wait", &wait);
    err->retry_after = (long)(wait * 60);
    wf_error_set(err, WF_ERR_THROTTLED, endpoint,
                 "this address is blocked for %" PRId64 " minutes", wait);
    return DT_FAIL;
  }

  if (host == DT_OAPI && wf_json_int64(answer, "errcode", &errcode)) {
    err->errcode = errcode;
    if (errcode == 0 && http_status == 200)
      return DT_OK;
    if (errcode == -1)
      return DT_RETRY;
    if (oapi_token_error(errcode))
      return DT_TOKEN;
    if (oapi_throttle_error(errcode))
      return DT_THROTTLE;
    if (errcode == 90020) {
      wf_error_set(err, WF_ERR_QUOTA, endpoint,
                   "the organisation's monthly quota is used up");
      return DT_FAIL;
    }
    if (errcode != 0) {
      wf_error_set(err, WF_ERR_PLATFORM, endpoint, "the platform refused");
      return DT_FAIL;
    }
  }

  if (http_status == 200) {
    if (answer == NULL) {
      wf_error_set(err, WF_ERR_BAD_ANSWER, endpoint, "answer is not JSON");
      return DT_FAIL;
    }
    if (host == DT_OAPI) {
      wf_error_set(err, WF_ERR_BAD_ANSWER, endpoint, "answer has no errcode");
      return DT_FAIL;
    }
    return DT_OK;
  }

  if (http_status == 401 ||
      (code != NULL && strcmp(code, "InvalidAuthentication") == 0))
    return DT_TOKEN;
  if (code != NULL && strstr(code, "ApiCountLimitForOrg") != NULL) {
    wf_error_set(err, WF_ERR_QUOTA, endpoint,
                 "the organisation's monthly quota is used up");
    return DT_FAIL;
  }
  if (http_status == 429 ||
      (code != NULL && (strstr(code, "QpsLimit") != NULL ||
                        strcasecmp(code, "systemBusy") == 0 ||
                        strcasecmp(code, "system.busy") == 0)))
    return DT_THROTTLE;
  if (http_status >= 500)
    return DT_RETRY;
  wf_error_set(err, WF_ERR_PLATFORM, endpoint, "the platform refused");
  return DT_FAIL;
}

/* Sends one request, retrying on busy, throttling and transport errors.
 * Returns DT_OK with `*answer` set, DT_TOKEN when the token was refused,
 * or DT_FAIL with `err` filled. */
static dt_verdict_t dt_exchange(wf_dingtalk_t *dt, dt_host_t host,
                                const char *endpoint, const char *method,
                                const char *url, const char *const *headers,
                                const char *body, json_object **answer,
                                wf_error_t *err) {
  int busy = 0;
  int throttled = 0;
  int transport = 0;

  for (;;) {
    wf_http_response_t response;
    wf_stats_request(dt->stats, endpoint);
    wf_http_result_t result =
        wf_http_perform(dt->http, method, url, headers, body, &response);

    if (result != WF_HTTP_OK) {
      wf_error_kind_t kind = (result == WF_HTTP_TOO_LARGE) ? WF_ERR_BAD_ANSWER
                             : (result == WF_HTTP_NOMEM)   ? WF_ERR_NOMEM
                                                           : WF_ERR_TRANSPORT;
      wf_error_clear(err);
      wf_error_set(err, kind, endpoint, "%s: %s", wf_http_result_text(result),
                   response.error);
      wf_http_response_free(&response);
      if (kind == WF_ERR_TRANSPORT && transport++ < DT_MAX_TRANSPORT_RETRIES) {
        dt->sleep(DT_BUSY_PAUSE_MS * transport);
        continue;
      }
      return DT_FAIL;
    }

    char parse_error[128] = "";
    json_object *parsed = wf_json_parse(response.body, response.size,
                                        parse_error, sizeof(parse_error));
    dt_verdict_t verdict =
        dt_classify(host, endpoint, response.status, parsed, err);
    long retry_after = response.retry_after;
    wf_http_response_free(&response);

    if (verdict == DT_OK) {
      *answer = parsed;
      return DT_OK;
    }
    json_object_put(parsed);
    if (err->kind == WF_ERR_BAD_ANSWER && parse_error[0] != '\0')
      snprintf(err->detail, sizeof(err->detail), "%s", parse_error);

    if (verdict == DT_RETRY) {
      if (busy++ < DT_MAX_BUSY_RETRIES) {
        dt->sleep(DT_BUSY_PAUSE_MS);
        continue;
      }
      wf_error_set(err, WF_ERR_PLATFORM, endpoint,
                   "the platform stayed busy after %d retries",
                   DT_MAX_BUSY_RETRIES);
      return DT_FAIL;
    }
    if (verdict == DT_THROTTLE) {
      long pause_s = (retry_after > 0) ? retry_after : 1;
      if (pause_s <= DT_MAX_INLINE_PAUSE_S &&
          throttled++ < DT_MAX_THROTTLE_RETRIES) {
        dt->sleep((pause_s > 1) ? pause_s * 1000 : DT_THROTTLE_PAUSE_MS);
        continue;
      }
      wf_error_set(err, WF_ERR_THROTTLED, endpoint,
                   "the platform asked to slow down");
      err->retry_after = (pause_s > DT_MAX_INLINE_PAUSE_S) ? pause_s : 60;
      return DT_FAIL;
    }
    return verdict; /* DT_TOKEN or DT_FAIL */
  }
}

/* Makes sure a usable token is cached, fetching one with gettoken. */
static int dt_token(wf_dingtalk_t *dt, wf_error_t *err) {
  if (wf_token_usable(&dt->token, dt->clock()))
    return 0;

  char *key = wf_http_escape(dt->cfg->app_key);
  char *secret = wf_http_escape(dt->cfg->app_secret);
  char *url = NULL;
  int status = -1;
  if (key != NULL && secret != NULL) {
    size_t size = strlen(dt->cfg->oapi_url) + strlen(key) + strlen(secret) + 64;
    url = malloc(size);
    if (url != NULL)
      snprintf(url, size, "%s/gettoken?appkey=%s&appsecret=%s",
               dt->cfg->oapi_url, key, secret);
  }
  if (url == NULL) {
    wf_error_set(err, WF_ERR_NOMEM, "gettoken", "out of memory");
  } else {
    json_object *answer = NULL;
    dt_verdict_t verdict = dt_exchange(dt, DT_OAPI, "gettoken", "GET", url,
                                       NULL, NULL, &answer, err);
    if (verdict == DT_TOKEN) {
      /* On gettoken a "token" errcode means the key or secret is wrong. */
      err->kind = WF_ERR_AUTH;
      snprintf(err->detail, sizeof(err->detail), "AppKey or AppSecret refused");
    } else if (verdict == DT_OK) {
      const char *token = wf_json_string(answer, "access_token");
      int64_t expires_in = 7200;
      wf_json_int64(answer, "expires_in", &expires_in);
      if (wf_token_store(&dt->token, token, dt->clock(), (long)expires_in) == 0)
        status = 0;
      else
        wf_error_set(err, WF_ERR_BAD_ANSWER, "gettoken",
                     "answer holds no usable access_token");
      json_object_put(answer);
    }
    explicit_bzero(url, strlen(url));
  }

  if (secret != NULL)
    explicit_bzero(secret, strlen(secret));
  free(url);
  free(key);
  free(secret);
  if (status != 0)
    wf_stats_error(dt->stats, "gettoken");
  return status;
}

/* Calls an endpoint with the account's token. `path` starts with "/" and
 * may carry a query string. On a refused token the token is dropped,
 * fetched again and the call tried once more. Returns 0 with `*answer`
 * set (release with json_object_put), or -1 with `err` filled. */
static int dt_call(wf_dingtalk_t *dt, dt_host_t host, const char *endpoint,
                   const char *method, const char *path, const char *body,
                   json_object **answer, wf_error_t *err) {
  const char *base = (host == DT_OAPI) ? dt->cfg->oapi_url : dt->cfg->api_url;

  for (int attempt = 0; attempt < 2; attempt++) {
    if (dt_token(dt, err) != 0)
      return -1;

    char *escaped = wf_http_escape(dt->token.value);
    if (escaped == NULL) {
      wf_error_set(err, WF_ERR_NOMEM, endpoint, "out of memory");
      break;
    }
    size_t url_size = strlen(base) + strlen(path) + strlen(escaped) + 32;
    size_t header_size = strlen(dt->token.value) + 64;
    char *url = malloc(url_size);
    char *token_header = malloc(header_size);
    if (url == NULL || token_header == NULL) {
      free(url);
      free(token_header);
      free(escaped);
      wf_error_set(err, WF_ERR_NOMEM, endpoint, "out of memory");
      break;
    }
    const char *headers[3] = {"Content-Type: application/json", NULL, NULL};
    if (host == DT_OAPI) {
      snprintf(url, url_size, "%s%s%caccess_token=%s", base, path,
               (strchr(path, '?') != NULL) ? '&' : '?', escaped);
    } else {
      snprintf(url, url_size, "%s%s", base, path);
      snprintf(token_header, header_size, "x-acs-dingtalk-access-token: %s",
               dt->token.value);
      headers[1] = token_header;
    }

    dt_verdict_t verdict = dt_exchange(dt, host, endpoint, method, url, headers,
                                       body, answer, err);
    explicit_bzero(url, url_size);
    explicit_bzero(token_header, header_size);
    explicit_bzero(escaped, strlen(escaped));
    free(url);
    free(token_header);
    free(escaped);

    if (verdict == DT_OK)
      return 0;
    if (verdict != DT_TOKEN)
      break;
    /* The platform refused a token we thought valid: drop it and retry
     * once with a new one. */
    wf_token_drop(&dt->token);
    if (attempt == 1) {
      err->kind = WF_ERR_AUTH;
      snprintf(err->detail, sizeof(err->detail),
               "a freshly fetched access token was refused");
    }
  }
  wf_stats_error(dt->stats, endpoint);
  return -1;
}

/* Reads one empLeaveRecords page into `d` and returns its nextToken in
 * `next` ("" on the last page). Returns 0, or -1 with `err` filled. */
UNITTEST int dt_parse_leave_records(json_object *answer, wf_departures_t *d,
                                    char *next, size_t next_size,
                                    wf_error_t *err) {
  json_object *records = wf_json_array(answer, "records");
  if (records == NULL) {
    wf_error_set(err, WF_ERR_BAD_ANSWER, "empLeaveRecords",
                 "answer has no records list");
    return -1;
  }
  size_t n = json_object_array_length(records);
  for (size_t i = 0; i < n; i++) {
    json_object *record = json_object_array_get_idx(records, i);
    if (wf_departures_add(d, wf_json_string(record, "leaveTime"),
                          wf_json_string(record, "leaveReason")) != 0) {
      wf_error_set(err, WF_ERR_NOMEM, "empLeaveRecords", "out of memory");
      return -1;
    }
  }
  if (!wf_json_cursor(answer, "nextToken", next, next_size))
    next[0] = '\0';
  return 0;
}

int wf_dingtalk_departures(wf_dingtalk_t *dt, time_t now, wf_metrics_t *out,
                           wf_error_t *err) {
  wf_departures_t d;
  wf_pager_t pager;
  char start[32];
  char end[32];
  char cursor[256] = "0";
  int status = -1;

  if (wf_departures_init(&d, now, dt->cfg->utc_offset) != 0) {
    wf_departures_free(&d);
    wf_error_set(err, WF_ERR_NOMEM, "empLeaveRecords", "out of memory");
    return -1;
  }
  wf_rfc3339_format(d.window_start, start, sizeof(start));
  wf_rfc3339_format(d.day_end, end, sizeof(end));
  wf_page_status_t page = wf_pager_start(&pager, dt->cfg->max_pages, cursor);

  while (page == WF_PAGE_MORE) {
    char *escaped = wf_http_escape(cursor);
    char path[512];
    if (escaped == NULL) {
      page = WF_PAGE_NOMEM;
      break;
    }
    /* RFC 3339 in UTC needs no escaping beyond ':', which is legal in a
     * query string. */
    snprintf(path, sizeof(path),
             "/v1.0/contact/empLeaveRecords?startTime=%s&endTime=%s"
             "&nextToken=%s&maxResults=%d",
             start, end, escaped, DT_PAGE_SIZE);
    free(escaped);

    json_object *answer = NULL;
    if (dt_call(dt, DT_API, "empLeaveRecords", "GET", path, NULL, &answer,
                err) != 0)
      goto out;
    int parsed =
        dt_parse_leave_records(answer, &d, cursor, sizeof(cursor), err);
    json_object_put(answer);
    if (parsed != 0) {
      wf_stats_error(dt->stats, "empLeaveRecords");
      goto out;
    }
    page = wf_pager_next(&pager, cursor);
  }

  if (page != WF_PAGE_DONE) {
    wf_error_set(err, WF_ERR_PAGING, "empLeaveRecords", "%s after %zu pages",
                 wf_page_status_text(page), wf_pager_pages(&pager));
    goto out;
  }
  if (wf_departures_metrics(&d, out) != 0) {
    wf_error_set(err, WF_ERR_NOMEM, "empLeaveRecords", "out of memory");
    goto out;
  }
  status = 0;

out:
  wf_pager_free(&pager);
  wf_departures_free(&d);
  return status;
}

/* Reads one page of a topapi id list (queryonjob, querypreentry): appends
 * result.data_list to `ids` and returns result.next_cursor in `next` (""
 * on the last page). Returns 0, or -1 with `err` filled. */
UNITTEST int dt_parse_id_page(json_object *answer, const char *endpoint,
                              wf_strlist_t *ids, char *next, size_t next_size,
                              wf_error_t *err) {
  json_object *result = wf_json_object(answer, "result");
  json_object *list = wf_json_array(result, "data_list");
  if (list == NULL) {
    wf_error_set(err, WF_ERR_BAD_ANSWER, endpoint,
                 "answer has no result.data_list");
    return -1;
  }
  size_t n = json_object_array_length(list);
  for (size_t i = 0; i < n; i++) {
    json_object *item = json_object_array_get_idx(list, i);
    if (!json_object_is_type(item, json_type_string)) {
      wf_error_set(err, WF_ERR_BAD_ANSWER, endpoint,
                   "data_list holds something other than user ids");
      return -1;
    }
    if (wf_strlist_add(ids, json_object_get_string(item)) != 0) {
      wf_error_set(err, WF_ERR_NOMEM, endpoint, "out of memory");
      return -1;
    }
  }
  if (!wf_json_cursor(result, "next_cursor", next, next_size))
    next[0] = '\0';
  return 0;
}

/* Reads every page of a topapi id list with offset paging. `status_list`
 * is the queryonjob filter, or NULL for querypreentry. */
static int dt_id_list(wf_dingtalk_t *dt, const char *endpoint, const char *path,
                      const char *status_list, wf_strlist_t *ids,
                      wf_error_t *err) {
  wf_pager_t pager;
  char cursor[64] = "0";
  int status = -1;
  wf_page_status_t page = wf_pager_start(&pager, dt->cfg->max_pages, cursor);

  while (page == WF_PAGE_MORE) {
    char *end = NULL;
    long long offset = strtoll(cursor, &end, 10);
    if (end == cursor || *end != '\0' || offset < 0) {
      wf_error_set(err, WF_ERR_BAD_ANSWER, endpoint,
                   "next_cursor is not an offset");
      wf_stats_error(dt->stats, endpoint);
      goto out;
    }
    json_object *request = json_object_new_object();
    if (request == NULL) {
      page = WF_PAGE_NOMEM;
      break;
    }
    if (status_list != NULL)
      json_object_object_add(request, "status_list",
                             json_object_new_string(status_list));
    json_object_object_add(request, "offset", json_object_new_int64(offset));
    json_object_object_add(request, "size", json_object_new_int(DT_PAGE_SIZE));

    json_object *answer = NULL;
    int called =
        dt_call(dt, DT_OAPI, endpoint, "POST", path,
                json_object_to_json_string_ext(request, JSON_C_TO_STRING_PLAIN),
                &answer, err);
    json_object_put(request);
    if (called != 0)
      goto out;
    int parsed =
        dt_parse_id_page(answer, endpoint, ids, cursor, sizeof(cursor), err);
    json_object_put(answer);
    if (parsed != 0) {
      wf_stats_error(dt->stats, endpoint);
      goto out;
    }
    page = wf_pager_next(&pager, cursor);
  }

  if (page != WF_PAGE_DONE) {
    wf_error_set(err, WF_ERR_PAGING, endpoint, "%s after %zu pages",
                 wf_page_status_text(page), wf_pager_pages(&pager));
    wf_stats_error(dt->stats, endpoint);
    goto out;
  }
  status = 0;
out:
  wf_pager_free(&pager);
  return status;
}

int wf_dingtalk_employees(wf_dingtalk_t *dt, int64_t counts[WF_HR_COUNT],
                          wf_strlist_t *onjob, wf_error_t *err) {
  wf_strlist_t ids = {0};
  int status = 0;

  for (int s = 0; status == 0 && s < WF_HR_COUNT; s++) {
    const char *code = wf_hr_status_code((wf_hr_status_t)s);
    wf_strlist_clear(&ids);
    if (code != NULL)
      status = dt_id_list(dt, "queryonjob",
                          "/topapi/smartwork/hrm/employee/queryonjob", code,
                          &ids, err);
    else
      status = dt_id_list(dt, "querypreentry",
                          "/topapi/smartwork/hrm/employee/querypreentry", NULL,
                          &ids, err);
    if (status != 0)
      break;
    /* A list that shifted while it was paged may repeat an id. */
    wf_strlist_sort_unique(&ids);
    counts[s] = (int64_t)ids.count;
    for (size_t i = 0; code != NULL && onjob != NULL && i < ids.count; i++)
      if (wf_strlist_add(onjob, ids.items[i]) != 0) {
        wf_error_set(err, WF_ERR_NOMEM, "queryonjob", "out of memory");
        status = -1;
        break;
      }
  }
  wf_strlist_free(&ids);
  if (status == 0 && onjob != NULL)
    wf_strlist_sort_unique(onjob);
  return status;
}
