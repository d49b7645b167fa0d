/**
 * collectd-workforce - src/wf_dingtalk.c
 * SPDX-License-Identifier: MIT
 *
 * DingTalk has two API families with different conventions
 *(doc/platform-notes.md, Hosts and endpoints):
 *
 *   oapi   {OapiURL}/gettoken, /topapi/...: the token travels as the
 *          access_token query parameter; errors come as HTTP 200 with a
 *          non-zero errcode.
 *   v1.0   {ApiURL}/v1.0/...: the token travels in the
 *          x-acs-dingtalk-access-token header; errors come as HTTP 4xx/5xx
 *          with a textual code.
 *
 * dt_classify reads both kinds of answer; dt_fetch_token and dt_authorize
 * put the token where each host wants it (wf_endpoint_t.host). The retry and
 *token loops themselves are wf_client's, shared with Feishu.
 **/
#include "wf_dingtalk.h"
#include "wf_common.h"
#include "wf_dingtalk_private.h"
#include "wf_endpoint.h"
#include "wf_json.h"
#include "wf_pager.h"
#include "wf_time.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The batch and page limits are the endpoint table's (wf_endpoint.c).
 * Pages of queryonjob, querypreentry and empLeaveRecords hold at most 50
 * items alike. */
#define DT_PAGE_SIZE (wf_endpoint(WF_EP_QUERYONJOB)->page_size)

/* True for the oapi errcodes that mean the access token is bad. */
static bool dt_oapi_token_error(int64_t errcode) {
  return errcode == 40001 || errcode == 40014 || errcode == 41001 ||
         errcode == 42001 || errcode == 88;
}

/* True for the 900xx errcodes that ask for a pause (90020 is the monthly
 * quota and is not among them). */
static bool dt_oapi_throttle_error(int64_t errcode) {
  return errcode >= 90001 && errcode <= 90019;
}

/* Classifies one answer. `answer` may be NULL when the body is not JSON.
 * Fills the status and codes of `err`, and its kind when the verdict is
 * WF_VERDICT_FAIL or may become a failure. */
UNITTEST wf_verdict_t dt_classify(wf_host_t host, const char *endpoint,
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
    return WF_VERDICT_FAIL;
  }

  if (host == WF_HOST_DINGTALK_OAPI &&
      wf_json_int64(answer, "errcode", &errcode)) {
    err->errcode = errcode;
    if (errcode == 0 && http_status == 200)
      return WF_VERDICT_OK;
    if (errcode == -1)
      return WF_VERDICT_RETRY;
    if (dt_oapi_token_error(errcode))
      return WF_VERDICT_TOKEN;
    if (dt_oapi_throttle_error(errcode))
      return WF_VERDICT_THROTTLE;
    if (errcode == 90020) {
      wf_error_set(err, WF_ERR_QUOTA, endpoint,
                   "the organisation's monthly quota is used up");
      return WF_VERDICT_FAIL;
    }
    if (errcode != 0) {
      wf_error_set(err, WF_ERR_PLATFORM, endpoint, "the platform refused");
      return WF_VERDICT_FAIL;
    }
  }

  if (http_status == 200) {
    if (answer == NULL) {
      wf_error_set(err, WF_ERR_BAD_ANSWER, endpoint, "answer is not JSON");
      return WF_VERDICT_FAIL;
    }
    if (host == WF_HOST_DINGTALK_OAPI) {
      wf_error_set(err, WF_ERR_BAD_ANSWER, endpoint, "answer has no errcode");
      return WF_VERDICT_FAIL;
    }
    return WF_VERDICT_OK;
  }

  if (http_status == 401 ||
      (code != NULL && strcmp(code, "InvalidAuthentication") == 0))
    return WF_VERDICT_TOKEN;
  if (code != NULL && strstr(code, "ApiCountLimitForOrg") != NULL) {
    wf_error_set(err, WF_ERR_QUOTA, endpoint,
                 "the organisation's monthly quota is used up");
    return WF_VERDICT_FAIL;
  }
  if (http_status == 429 ||
      (code != NULL && (strstr(code, "QpsLimit") != NULL ||
                        strcasecmp(code, "systemBusy") == 0 ||
                        strcasecmp(code, "system.busy") == 0)))
    return WF_VERDICT_THROTTLE;
  if (http_status >= 500)
    return WF_VERDICT_RETRY;
  wf_error_set(err, WF_ERR_PLATFORM, endpoint, "the platform refused");
  return WF_VERDICT_FAIL;
}

/* Fetches a token with gettoken into the client's cache. */
static int dt_fetch_token(wf_client_t *client, wf_error_t *err) {
  char *key = wf_http_escape(client->cfg->app_key);
  char *secret = wf_http_escape(client->cfg->app_secret);
  char *query = (key != NULL && secret != NULL)
                    ? wf_client_join(key, "&appsecret=", secret)
                    : NULL;
  char *url = (query != NULL) ? wf_client_join(client->cfg->oapi_url,
                                               "/gettoken?appkey=", query)
                              : NULL;
  int status = -1;

  if (url == NULL) {
    wf_error_set(err, WF_ERR_NOMEM, "gettoken", "out of memory");
  } else {
    json_object *answer = NULL;
    wf_verdict_t verdict =
        wf_client_exchange(client, wf_endpoint(WF_EP_GETTOKEN)->host,
                           "gettoken", "GET", url, NULL, NULL, &answer, err);
    if (verdict == WF_VERDICT_TOKEN) {
      /* On gettoken a "token" errcode means the key or secret is wrong. */
      err->kind = WF_ERR_AUTH;
      snprintf(err->detail, sizeof(err->detail), "AppKey or AppSecret refused");
    } else if (verdict == WF_VERDICT_OK) {
      int64_t expires_in = 7200;
      wf_json_int64(answer, "expires_in", &expires_in);
      if (wf_token_store(&client->tokens->token,
                         wf_json_string(answer, "access_token"),
                         client->clock(), (long)expires_in) == 0)
        status = 0;
      else
        wf_error_set(err, WF_ERR_BAD_ANSWER, "gettoken",
                     "answer holds no usable access_token");
      json_object_put(answer);
    }
  }

  /* The query and the URL hold the secret. */
  if (secret != NULL)
    explicit_bzero(secret, strlen(secret));
  if (query != NULL)
    explicit_bzero(query, strlen(query));
  if (url != NULL)
    explicit_bzero(url, strlen(url));
  free(url);
  free(query);
  free(key);
  free(secret);
  if (status != 0)
    wf_stats_error(client->stats, "gettoken");
  return status;
}

/* Puts the token where `host` expects it: the access_token query
 * parameter on oapi, the x-acs-dingtalk-access-token header on v1.0. */
static int dt_authorize(const wf_client_t *client, wf_host_t host,
                        const char *path, char **url, char **header) {
  *url = NULL;
  *header = NULL;
  if (host == WF_HOST_DINGTALK_API) {
    *url = wf_client_join(client->cfg->api_url, path, "");
    *header = wf_client_join(
        "x-acs-dingtalk-access-token: ", client->tokens->token.value, "");
  } else {
    char *escaped = wf_http_escape(client->tokens->token.value);
    if (escaped != NULL) {
      char *with_path = wf_client_join(
          client->cfg->oapi_url, path,
          (strchr(path, '?') != NULL) ? "&access_token=" : "?access_token=");
      if (with_path != NULL)
        *url = wf_client_join(with_path, escaped, "");
      free(with_path);
      explicit_bzero(escaped, strlen(escaped));
      free(escaped);
    }
  }
  if (*url == NULL || (host == WF_HOST_DINGTALK_API && *header == NULL)) {
    free(*url);
    free(*header);
    return -1;
  }
  return 0;
}

const wf_client_ops_t wf_dingtalk_ops = {
    .classify = dt_classify,
    .fetch_token = dt_fetch_token,
    .authorize = dt_authorize,
    .max_throttle_retries = 2,
};

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

/* One paged list: how to ask for a page and how to read one. Every
 * DingTalk list goes through dt_read_list, so the paging guard and the
 * error accounting are in one place. A list is either an oapi POST with a
 * JSON body (`body`) or a v1.0 GET with a query string (`query`). */
typedef struct {
  const wf_endpoint_t *ep; /* its path, name, and kind of paging */
  /* oapi: adds the fields of the page at `cursor` (a number on every oapi
   * list) to `request`. Returns 0, or -1 without memory. */
  int (*body)(json_object *request, long long cursor, void *ctx);
  /* v1.0: writes the query string of the page at `cursor` into `query`.
   * Returns 0, or -1 when it does not fit or without memory. */
  int (*query)(const char *cursor, void *ctx, char *query, size_t size);
  /* Reads one answer and says in `page` what it held. Returns 0 or -1 with
   * `err` filled. */
  int (*read)(json_object *answer, void *ctx, wf_page_t *page, wf_error_t *err);
  void *ctx;
} dt_list_t;

/* The cursor of a list's first page: page numbers start at 1, cursors
 * and offsets at 0. */
static const char *dt_first_page(const wf_endpoint_t *ep) {
  return (ep->paging == WF_PAGING_NUMBER) ? "1" : "0";
}

/* Calls of one collector on the wire at once, at most. The rate limits,
 * not this window, decide how fast they go; the window only keeps a
 * collector from reserving slots far ahead. */
#define DT_WINDOW 16

/* One list being read: its description and where its paging stands. */
typedef struct {
  dt_list_t list;
  void (*release)(void *ctx); /* frees list.ctx; NULL: the caller's */
  wf_pager_t pager;
  bool done; /* its last page was read */
} dt_reading_t;

/* Lists being read side by side through one batch: each list's pages
 * follow each other, the lists go out together, and more lists may join
 * while the others are read. The read callbacks run in the thread of the
 * run, one answer at a time. */
typedef struct {
  wf_client_t *client;
  wf_batch_t b;
  dt_reading_t **readings;
  size_t count;
  size_t capacity;
  /* 0; -1 once a call failed (counted by the batch); -2 once an answer
   * or the memory failed (counted by dt_run_finish). */
  int status;
  const char *endpoint; /* of the failure */
  wf_error_t *err;
} dt_run_t;

/* Adds the request for the page at `cursor` of `reading` to the batch.
 * Returns 0, or -1 with `err` filled. */
static int dt_add_page(wf_batch_t *b, dt_reading_t *reading, const char *cursor,
                       wf_error_t *err) {
  const dt_list_t *list = &reading->list;
  if (list->query != NULL) {
    char query[768];
    char path[1024];
    if (list->query(cursor, list->ctx, query, sizeof(query)) != 0) {
      wf_error_set(err, WF_ERR_NOMEM, list->ep->name,
                   "out of memory or cursor too long");
      return -1;
    }
    snprintf(path, sizeof(path), "%s?%s", list->ep->path, query);
    if (wf_batch_add(b, list->ep->host, list->ep->name, list->ep->method, path,
                     NULL, reading) == NULL) {
      wf_error_set(err, WF_ERR_NOMEM, list->ep->name, "out of memory");
      return -1;
    }
    return 0;
  }

  char *end = NULL;
  long long number = strtoll(cursor, &end, 10);
  if (end == cursor || *end != '\0' || number < 0) {
    wf_error_set(err, WF_ERR_BAD_ANSWER, list->ep->name,
                 "the next cursor is not a number");
    return -1;
  }
  json_object *request = json_object_new_object();
  int status = -1;
  if (request != NULL && list->body(request, number, list->ctx) == 0 &&
      wf_batch_add(
          b, list->ep->host, list->ep->name, list->ep->method, list->ep->path,
          json_object_to_json_string_ext(request, JSON_C_TO_STRING_PLAIN),
          reading) != NULL)
    status = 0;
  else
    wf_error_set(err, WF_ERR_NOMEM, list->ep->name, "out of memory");
  json_object_put(request);
  return status;
}

/* Reads what one page held and asks for the next. Returns 0, -1 when the
 * call failed (counted by the batch), or -2, all with `err` filled. */
static int dt_take_page(wf_batch_t *b, wf_call_t *call, wf_error_t *err) {
  dt_reading_t *reading = call->ctx;
  const dt_list_t *list = &reading->list;
  if (call->verdict != WF_VERDICT_OK) {
    *err = call->err;
    return -1;
  }
  wf_page_t page = {0};
  if (list->read(call->answer, list->ctx, &page, err) != 0)
    return -2;
  wf_page_status_t turn = wf_pager_turn(&reading->pager, &page);
  if (turn == WF_PAGE_MORE)
    return (dt_add_page(b, reading, wf_pager_cursor(&reading->pager), err) == 0)
               ? 0
               : -2;
  if (turn != WF_PAGE_DONE) {
    wf_error_set(err, WF_ERR_PAGING, list->ep->name, "%s, on page %zu",
                 wf_page_status_text(turn), wf_pager_pages(&reading->pager));
    return -2;
  }
  reading->done = true;
  return 0;
}

/* Releases what a list held while it was read: its paging and, when the
 * run owns it, its context. */
static void dt_reading_clear(dt_reading_t *reading) {
  wf_pager_free(&reading->pager);
  if (reading->release != NULL)
    reading->release(reading->list.ctx);
  reading->release = NULL;
  reading->list.ctx = NULL;
}

/* Prepares a run of `client`'s lists. Returns 0, or -1 with `err` filled and
 * counted. */
static int dt_run_init(dt_run_t *run, wf_client_t *client, const char *endpoint,
                       wf_error_t *err) {
  *run = (dt_run_t){.client = client, .endpoint = endpoint, .err = err};
  if (wf_batch_init(&run->b, client, DT_WINDOW) != 0) {
    wf_error_set(err, WF_ERR_NOMEM, endpoint, "out of memory");
    wf_stats_error(client->stats, endpoint);
    return -1;
  }
  return 0;
}

/* Starts reading `list`, a copy of which the run keeps; `release`, when
 * not NULL, frees list->ctx once the run ends, even when this fails.
 * Returns 0, or -1 with the run failed. */
static int dt_run_add(dt_run_t *run, const dt_list_t *list,
                      void (*release)(void *ctx)) {
  dt_reading_t *reading = NULL;
  if (run->status != 0) {
    if (release != NULL)
      release(list->ctx);
    return -1;
  }
  if (run->count == run->capacity) {
    size_t capacity = (run->capacity > 0) ? 2 * run->capacity : 16;
    dt_reading_t **more =
        realloc(run->readings, capacity * sizeof(*run->readings));
    if (more != NULL) {
      run->readings = more;
      run->capacity = capacity;
    }
  }
  if (run->count < run->capacity)
    reading = calloc(1, sizeof(*reading));
  if (reading == NULL) {
    if (release != NULL)
      release(list->ctx);
    wf_error_set(run->err, WF_ERR_NOMEM, list->ep->name, "out of memory");
    run->endpoint = list->ep->name;
    run->status = -2;
    return -1;
  }
  reading->list = *list;
  reading->release = release;
  run->readings[run->count++] = reading;
  const char *first = dt_first_page(list->ep);
  if (wf_pager_start(&reading->pager, list->ep->paging,
                     run->client->cfg->max_pages, first) != WF_PAGE_MORE) {
    wf_error_set(run->err, WF_ERR_NOMEM, list->ep->name, "out of memory");
    run->status = -2;
  } else if (dt_add_page(&run->b, reading, first, run->err) != 0) {
    run->status = -2;
  }
  if (run->status != 0)
    run->endpoint = list->ep->name;
  return (run->status == 0) ? 0 : -1;
}

/* True when no call of the run is left to answer. */
static bool dt_run_idle(const dt_run_t *run) { return wf_batch_idle(&run->b); }

/* Waits for one answer, until wf_http_now_ms() reaches `until` (negative:
 * for as long as it takes), and reads it. */
static void dt_run_step(dt_run_t *run, int64_t until) {
  wf_call_t *call = wf_batch_next_until(&run->b, until);
  if (call == NULL)
    return;
  dt_reading_t *reading = call->ctx;
  run->status = dt_take_page(&run->b, call, run->err);
  if (run->status != 0)
    run->endpoint = reading->list.ep->name;
  /* A list read to its end needs nothing more: a poll of thousands of
   * lists holds only those still being read. */
  if (run->status == 0 && reading->done)
    dt_reading_clear(reading);
  wf_call_free(call);
}

/* Ends a run: after a failure, the calls not yet sent are dropped.
 * Returns 0, or -1 with the failure in `err` and counted. */
static int dt_run_finish(dt_run_t *run) {
  /* A failure of the platform's was counted by the batch; one of the
   * answer's or of memory, here. */
  if (run->status == -2)
    wf_stats_error(run->client->stats, run->endpoint);
  wf_batch_destroy(&run->b);
  for (size_t i = 0; i < run->count; i++) {
    dt_reading_clear(run->readings[i]);
    free(run->readings[i]);
  }
  free(run->readings);
  return (run->status == 0) ? 0 : -1;
}

/* Reads every page of `count` lists, side by side. Returns 0, or -1 with
 * `err` filled and the failure counted. */
static int dt_read_lists(wf_client_t *client, const dt_list_t *lists,
                         size_t count, wf_error_t *err) {
  dt_run_t run;
  if (dt_run_init(&run, client, (count > 0) ? lists[0].ep->name : "list",
                  err) != 0)
    return -1;
  for (size_t i = 0; i < count && run.status == 0; i++)
    dt_run_add(&run, &lists[i], NULL);
  while (run.status == 0 && !dt_run_idle(&run))
    dt_run_step(&run, -1);
  return dt_run_finish(&run);
}

/* Reads every page of one list. */
static int dt_read_list(wf_client_t *client, const dt_list_t *list,
                        wf_error_t *err) {
  return dt_read_lists(client, list, 1, err);
}

/* While the roster is still being read, a run waiting for answers looks
 * for new ids this often (milliseconds). */
#define DT_ROSTER_LOOK_MS 20

/* Adds the lists of one group of users to a run; returns 0 or -1 with the
 * run failed. */
typedef int (*dt_group_fn)(dt_run_t *run, wf_strlist_t *group, void *ctx);

/* Reads lists made of the roster's ids, `size` users a group: each group's
 * lists start as soon as its ids arrive, while the roster is still being
 * read. Returns 0, or -1 with `err` filled; a failed roster read was
 * counted by its reader. */
static int dt_read_roster(wf_client_t *client, wf_roster_t *roster, size_t size,
                          const char *endpoint, dt_group_fn add_group,
                          void *ctx, wf_error_t *err) {
  dt_run_t run;
  wf_strlist_t group = {0};
  size_t next = 0;
  bool more = true; /* the roster may hand out more ids */

  if (dt_run_init(&run, client, endpoint, err) != 0)
    return -1;
  while (run.status == 0) {
    /* A group's lists start when the run has room for their calls: the
     * ids wait in the roster, not as thousands of queued requests. */
    if (more && wf_batch_outstanding(&run.b) < DT_WINDOW) {
      /* With nothing under way there is nothing to do but wait for ids. */
      long wait = dt_run_idle(&run) ? -1 : 0;
      wf_roster_status_t got =
          wf_roster_next(roster, &next, size, wait, &group, err);
      if (got == WF_ROSTER_GROUP) {
        add_group(&run, &group, ctx);
        continue;
      }
      if (got == WF_ROSTER_FAILED)
        run.status = -1;
      more = got == WF_ROSTER_WAIT;
    }
    if (run.status != 0 || (dt_run_idle(&run) && !more))
      break;
    dt_run_step(&run, more ? wf_http_now_ms() + DT_ROSTER_LOOK_MS : -1);
  }
  wf_strlist_free(&group);
  return dt_run_finish(&run);
}

/* The users of `group` joined by commas, as checkin/record/get and
 * vacation/record/list take them: a string to free(), or NULL with `err`
 * filled. */
static char *dt_join_users(const wf_strlist_t *group, const char *endpoint,
                           wf_error_t *err) {
  size_t size = 1;
  for (size_t i = 0; i < group->count; i++)
    size += strlen(group->items[i]) + 1;
  char *joined = malloc(size);
  if (joined == NULL) {
    wf_error_set(err, WF_ERR_NOMEM, endpoint, "out of memory");
    return NULL;
  }
  size_t used = 0;
  joined[0] = '\0';
  for (size_t i = 0; i < group->count; i++)
    used += (size_t)snprintf(joined + used, size - used, "%s%s",
                             (i == 0) ? "" : ",", group->items[i]);
  return joined;
}

/* The context of a list over one group of users joined by commas starts
 * with the joined users, which the list owns. */
typedef struct {
  char *users;
} dt_users_t;

static void dt_users_release(void *arg) {
  dt_users_t *l = arg;
  free(l->users);
  free(l);
}

/* Starts a list of endpoint `id` over `group`: its context is a copy of
 * the `size` bytes of `template`, a struct whose first member is a
 * dt_users_t, with the group's users joined into it. Returns 0, or -1
 * with the run failed. */
static int
dt_run_add_users(dt_run_t *run, wf_endpoint_id_t id,
                 int (*body)(json_object *, long long, void *),
                 int (*read)(json_object *, void *, wf_page_t *, wf_error_t *),
                 const void *template, size_t size, const wf_strlist_t *group) {
  const wf_endpoint_t *ep = wf_endpoint(id);
  void *ctx = malloc(size);
  char *joined = dt_join_users(group, ep->name, run->err);
  if (ctx == NULL || joined == NULL) {
    free(ctx);
    free(joined);
    wf_error_set(run->err, WF_ERR_NOMEM, ep->name, "out of memory");
    run->status = -2;
    return -1;
  }
  memcpy(ctx, template, size);
  ((dt_users_t *)ctx)->users = joined;
  dt_list_t list = {.ep = ep, .body = body, .read = read, .ctx = ctx};
  return dt_run_add(run, &list, dt_users_release);
}

/* empLeaveRecords (v1.0): cursor paging. The first request sends
 * nextToken "0", each later one the nextToken of the answer before; the
 * list ends with an answer without nextToken. */
typedef struct {
  char start[32];
  char end[32];
  wf_departures_t *departures;
} dt_departure_list_t;

static int dt_departures_query(const char *cursor, void *arg, char *query,
                               size_t size) {
  const dt_departure_list_t *l = arg;
  char *escaped = wf_http_escape(cursor);
  if (escaped == NULL)
    return -1;
  /* RFC 3339 in UTC needs no escaping beyond ':', which is legal in a
   * query string. */
  int n = snprintf(query, size,
                   "startTime=%s&endTime=%s&nextToken=%s&maxResults=%d",
                   l->start, l->end, escaped, DT_PAGE_SIZE);
  free(escaped);
  return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

static int dt_departures_read(json_object *answer, void *arg, wf_page_t *page,
                              wf_error_t *err) {
  const dt_departure_list_t *l = arg;
  return dt_parse_leave_records(answer, l->departures, page->cursor,
                                sizeof(page->cursor), err);
}

int wf_dingtalk_departures(wf_client_t *client, time_t now, wf_metrics_t *out,
                           wf_error_t *err) {
  wf_departures_t d;
  int status = -1;

  if (wf_departures_init(&d, now, client->cfg->utc_offset) != 0) {
    wf_departures_free(&d);
    wf_error_set(err, WF_ERR_NOMEM, "empLeaveRecords", "out of memory");
    return -1;
  }
  dt_departure_list_t ctx = {.departures = &d};
  wf_rfc3339_format(d.window_start, ctx.start, sizeof(ctx.start));
  wf_rfc3339_format(d.day_end, ctx.end, sizeof(ctx.end));
  dt_list_t list = {.ep = wf_endpoint(WF_EP_EMP_LEAVE_RECORDS),
                    .query = dt_departures_query,
                    .read = dt_departures_read,
                    .ctx = &ctx};
  if (dt_read_list(client, &list, err) != 0)
    goto out;
  if (wf_departures_metrics(&d, out) != 0) {
    wf_error_set(err, WF_ERR_NOMEM, "empLeaveRecords", "out of memory");
    goto out;
  }
  status = 0;
out:
  wf_departures_free(&d);
  return status;
}

/* queryonjob and querypreentry (oapi): cursor paging. The first request
 * sends offset 0, each later one the next_cursor of the answer before; the
 * list ends with an answer without next_cursor. */
typedef struct {
  const char *endpoint;
  const char *status_list; /* NULL for querypreentry */
  wf_strlist_t *ids;
  wf_roster_t *roster; /* receives the on-job ids as they come */
} dt_id_list_t;

static int dt_id_fill(json_object *request, long long offset, void *arg) {
  const dt_id_list_t *l = arg;
  if (l->status_list != NULL)
    json_object_object_add(request, "status_list",
                           json_object_new_string(l->status_list));
  json_object_object_add(request, "offset", json_object_new_int64(offset));
  json_object_object_add(request, "size", json_object_new_int(DT_PAGE_SIZE));
  return 0;
}

static int dt_id_read(json_object *answer, void *arg, wf_page_t *page,
                      wf_error_t *err) {
  const dt_id_list_t *l = arg;
  size_t first = l->ids->count;
  if (dt_parse_id_page(answer, l->endpoint, l->ids, page->cursor,
                       sizeof(page->cursor), err) != 0)
    return -1;
  for (size_t i = first; l->roster != NULL && i < l->ids->count; i++)
    if (wf_roster_add(l->roster, l->ids->items[i]) != 0) {
      wf_error_set(err, WF_ERR_NOMEM, l->endpoint, "out of memory");
      return -1;
    }
  return 0;
}

int wf_dingtalk_employees(wf_client_t *client, int64_t counts[WF_HR_COUNT],
                          wf_roster_t *onjob, wf_error_t *err) {
  wf_strlist_t ids[WF_HR_COUNT] = {{0}};
  dt_id_list_t contexts[WF_HR_COUNT];
  dt_list_t lists[WF_HR_COUNT];

  /* The four statuses and the pre-entry list, read side by side. */
  for (int s = 0; s < WF_HR_COUNT; s++) {
    const char *code = wf_hr_status_code((wf_hr_status_t)s);
    const wf_endpoint_t *ep =
        wf_endpoint((code != NULL) ? WF_EP_QUERYONJOB : WF_EP_QUERYPREENTRY);
    contexts[s] = (dt_id_list_t){.endpoint = ep->name,
                                 .status_list = code,
                                 .ids = &ids[s],
                                 .roster = (code != NULL) ? onjob : NULL};
    lists[s] = (dt_list_t){
        .ep = ep, .body = dt_id_fill, .read = dt_id_read, .ctx = &contexts[s]};
  }
  int status = dt_read_lists(client, lists, WF_HR_COUNT, err);

  for (int s = 0; s < WF_HR_COUNT; s++) {
    /* A list that shifted while it was paged may repeat an id. */
    wf_strlist_sort_unique(&ids[s]);
    counts[s] = (int64_t)ids[s].count;
    wf_strlist_free(&ids[s]);
  }
  if (onjob != NULL)
    wf_roster_finish(onjob, (status == 0) ? NULL : err, counts);
  return status;
}

/* listRecord takes at most 50 users a call, checkin/record/get 10, with
 * pages of at most 100 sign-ins. */
#define DT_ATTENDANCE_BATCH ((size_t)wf_endpoint(WF_EP_LIST_RECORD)->batch)
#define DT_SIGNIN_BATCH ((size_t)wf_endpoint(WF_EP_CHECKIN_RECORD)->batch)
#define DT_SIGNIN_PAGE_SIZE (wf_endpoint(WF_EP_CHECKIN_RECORD)->page_size)

/* Reads a listRecord answer into `checkins`: every record whose workDate
 * (epoch milliseconds) is today, or that carries none. Returns 0, or -1
 * with `err` filled. */
UNITTEST int dt_parse_records(json_object *answer, time_t day_start,
                              time_t day_end, wf_checkins_t *checkins,
                              wf_error_t *err) {
  json_object *records = wf_json_array(answer, "recordresult");
  if (records == NULL) {
    wf_error_set(err, WF_ERR_BAD_ANSWER, "listRecord",
                 "answer has no recordresult list");
    return -1;
  }
  size_t n = json_object_array_length(records);
  for (size_t i = 0; i < n; i++) {
    json_object *record = json_object_array_get_idx(records, i);
    if (!json_object_is_type(record, json_type_object))
      continue;
    int64_t work_date_ms;
    if (wf_json_int64(record, "workDate", &work_date_ms)) {
      time_t work_date = (time_t)(work_date_ms / 1000);
      if (work_date < day_start || work_date >= day_end)
        continue;
    }
    if (wf_checkins_add_dingtalk(checkins, wf_json_string(record, "userId"),
                                 wf_json_string(record, "timeResult"),
                                 wf_json_string(record, "locationResult")) !=
        0) {
      wf_error_set(err, WF_ERR_NOMEM, "listRecord", "out of memory");
      return -1;
    }
  }
  return 0;
}

/* One batch of listRecord: not paged, one call answers for its users. */
typedef struct {
  wf_strlist_t users;
  const char *from;
  const char *to;
  time_t day_start;
  time_t day_end;
  wf_checkins_t *checkins;
} dt_attendance_batch_t;

static void dt_attendance_release(void *arg) {
  dt_attendance_batch_t *l = arg;
  wf_strlist_free(&l->users);
  free(l);
}

static int dt_attendance_fill(json_object *request, long long cursor,
                              void *arg) {
  const dt_attendance_batch_t *l = arg;
  (void)cursor;
  json_object *users = json_object_new_array();
  if (users == NULL)
    return -1;
  for (size_t i = 0; i < l->users.count; i++)
    json_object_array_add(users, json_object_new_string(l->users.items[i]));
  json_object_object_add(request, "userIds", users);
  json_object_object_add(request, "checkDateFrom",
                         json_object_new_string(l->from));
  json_object_object_add(request, "checkDateTo", json_object_new_string(l->to));
  json_object_object_add(request, "isI18n", json_object_new_boolean(0));
  return 0;
}

/* Reads a listRecord answer; the page's empty cursor ends its list. */
static int dt_attendance_read(json_object *answer, void *arg, wf_page_t *page,
                              wf_error_t *err) {
  const dt_attendance_batch_t *l = arg;
  (void)page;
  return dt_parse_records(answer, l->day_start, l->day_end, l->checkins, err);
}

/* Starts the listRecord call of one group of users, taking them over;
 * `arg` is the template of every batch. */
static int dt_attendance_group(dt_run_t *run, wf_strlist_t *group, void *arg) {
  dt_attendance_batch_t *l = malloc(sizeof(*l));
  if (l == NULL) {
    wf_error_set(run->err, WF_ERR_NOMEM, "listRecord", "out of memory");
    run->status = -2;
    return -1;
  }
  *l = *(const dt_attendance_batch_t *)arg;
  l->users = *group;
  *group = (wf_strlist_t){0};
  dt_list_t list = {.ep = wf_endpoint(WF_EP_LIST_RECORD),
                    .body = dt_attendance_fill,
                    .read = dt_attendance_read,
                    .ctx = l};
  return dt_run_add(run, &list, dt_attendance_release);
}

int wf_dingtalk_attendance(wf_client_t *client, time_t now, wf_roster_t *users,
                           wf_metrics_t *out, wf_error_t *err) {
  wf_checkins_t checkins;
  char from[32];
  char to[32];
  int status = -1;
  time_t day_start = wf_day_start(now, client->cfg->utc_offset);

  if (wf_checkins_init(&checkins, WF_CHECKINS_DINGTALK) != 0) {
    wf_error_set(err, WF_ERR_NOMEM, "listRecord", "out of memory");
    return -1;
  }
  /* The whole of today in the organisation's zone. */
  wf_local_format(day_start, client->cfg->utc_offset, "%Y-%m-%d 00:00:00", from,
                  sizeof(from));
  wf_local_format(day_start, client->cfg->utc_offset, "%Y-%m-%d 23:59:59", to,
                  sizeof(to));
  dt_attendance_batch_t batch = {.from = from,
                                 .to = to,
                                 .day_start = day_start,
                                 .day_end = day_start + WF_SECONDS_PER_DAY,
                                 .checkins = &checkins};
  /* One single-page list per batch of 50 users, all side by side. */
  if (dt_read_roster(client, users, DT_ATTENDANCE_BATCH, "listRecord",
                     dt_attendance_group, &batch, err) != 0)
    goto out;
  if (wf_checkins_metrics(&checkins, out) != 0) {
    wf_error_set(err, WF_ERR_NOMEM, "listRecord", "out of memory");
    goto out;
  }
  status = 0;
out:
  wf_checkins_free(&checkins);
  return status;
}

/* Reads one checkin/record/get page: adds the sign-ins whose checkin_time
 * lies in [from, to] to `signins` and returns next_cursor in `next` (""
 * on the last page). Returns 0, or -1 with `err` filled. */
UNITTEST int dt_parse_signins(json_object *answer, time_t from, time_t to,
                              int64_t *signins, char *next, size_t next_size,
                              wf_error_t *err) {
  json_object *result = wf_json_object(answer, "result");
  json_object *list = wf_json_array(result, "page_list");
  if (result == NULL) {
    wf_error_set(err, WF_ERR_BAD_ANSWER, "checkinRecord",
                 "answer has no result");
    return -1;
  }
  /* An empty page may come without its list. */
  size_t n = (list != NULL) ? json_object_array_length(list) : 0;
  for (size_t i = 0; i < n; i++) {
    int64_t ms;
    json_object *record = json_object_array_get_idx(list, i);
    if (!wf_json_int64(record, "checkin_time", &ms))
      continue;
    if (ms >= (int64_t)from * 1000 && ms <= (int64_t)to * 1000)
      (*signins)++;
  }
  if (!wf_json_cursor(result, "next_cursor", next, next_size))
    next[0] = '\0';
  return 0;
}

/* One batch of checkin/record/get (oapi): cursor paging. The first request
 * sends cursor 0, each later one the next_cursor of the answer before; the
 * list ends with an answer without next_cursor. */
typedef struct {
  dt_users_t users; /* first: the batch's users */
  time_t from;
  time_t to;
  int64_t *signins;
} dt_signin_list_t;

/* Adds what checkin/record/get and report/simplelist both ask: a window
 * [from, to] in epoch milliseconds, and a page of `size` at `cursor`. */
static void dt_window_page(json_object *request, time_t from, time_t to,
                           long long cursor, int size) {
  json_object_object_add(request, "start_time",
                         json_object_new_int64((int64_t)from * 1000));
  json_object_object_add(request, "end_time",
                         json_object_new_int64((int64_t)to * 1000));
  json_object_object_add(request, "cursor", json_object_new_int64(cursor));
  json_object_object_add(request, "size", json_object_new_int(size));
}

static int dt_signin_fill(json_object *request, long long cursor, void *arg) {
  const dt_signin_list_t *l = arg;
  json_object_object_add(request, "userid_list",
                         json_object_new_string(l->users.users));
  dt_window_page(request, l->from, l->to, cursor, DT_SIGNIN_PAGE_SIZE);
  return 0;
}

static int dt_signin_read(json_object *answer, void *arg, wf_page_t *page,
                          wf_error_t *err) {
  const dt_signin_list_t *l = arg;
  return dt_parse_signins(answer, l->from, l->to, l->signins, page->cursor,
                          sizeof(page->cursor), err);
}

/* Starts the checkin/record/get list of one group of users; `arg` is the
 * template of every list. */
static int dt_signin_group(dt_run_t *run, wf_strlist_t *group, void *arg) {
  return dt_run_add_users(run, WF_EP_CHECKIN_RECORD, dt_signin_fill,
                          dt_signin_read, arg, sizeof(dt_signin_list_t), group);
}

int wf_dingtalk_signins(wf_client_t *client, time_t now, wf_roster_t *users,
                        wf_metrics_t *out, wf_error_t *err) {
  int64_t signins = 0;
  dt_signin_list_t template = {.from =
                                   wf_day_start(now, client->cfg->utc_offset),
                               .to = now,
                               .signins = &signins};

  if (dt_read_roster(client, users, DT_SIGNIN_BATCH, "checkinRecord",
                     dt_signin_group, &template, err) != 0)
    return -1;
  if (wf_metrics_add_gauge(out, "signins_today", NULL, (double)signins) != 0) {
    wf_error_set(err, WF_ERR_NOMEM, "checkinRecord", "out of memory");
    return -1;
  }
  return 0;
}

/* vacation/record/list takes at most 50 users a call and a `size` of at
 * most 200, though it answers with at most 50 records a call; it is asked
 * for 200 so that it could send more if it ever did. blackboard/listids
 * takes pages of at most 30 ids; report lists pages of at most 20 reports
 * and 100 templates. */
#define DT_LEAVE_BATCH ((size_t)wf_endpoint(WF_EP_VACATION_RECORDS)->batch)
#define DT_LEAVE_PAGE_SIZE (wf_endpoint(WF_EP_VACATION_RECORDS)->page_size)
#define DT_BLACKBOARD_PAGE_SIZE (wf_endpoint(WF_EP_BLACKBOARD_LIST)->page_size)
#define DT_REPORT_PAGE_SIZE (wf_endpoint(WF_EP_REPORT_LIST)->page_size)
#define DT_TEMPLATE_PAGE_SIZE (wf_endpoint(WF_EP_REPORT_TEMPLATES)->page_size)
#define DT_ANNOUNCEMENT_DAYS 7

/* Calls a topapi endpoint with a JSON body built by the caller, which
 * releases `request` in all cases. */
static int dt_post(wf_client_t *client, const wf_endpoint_t *ep,
                   json_object *request, json_object **answer,
                   wf_error_t *err) {
  if (request == NULL) {
    wf_error_set(err, WF_ERR_NOMEM, ep->name, "out of memory");
    return -1;
  }
  int status = wf_client_call(
      client, ep->host, ep->name, ep->method, ep->path,
      json_object_to_json_string_ext(request, JSON_C_TO_STRING_PLAIN), answer,
      err);
  json_object_put(request);
  return status;
}

int wf_dingtalk_leave_types(wf_client_t *client, wf_pairs_t *types,
                            wf_error_t *err) {
  json_object *request = json_object_new_object();
  if (request != NULL) {
    json_object_object_add(
        request, "op_userid",
        json_object_new_string(client->cfg->operator_user_id));
    json_object_object_add(request, "vacation_source",
                           json_object_new_string("all"));
  }
  json_object *answer = NULL;
  if (dt_post(client, wf_endpoint(WF_EP_VACATION_TYPES), request, &answer,
              err) != 0)
    return -1;

  int status = 0;
  json_object *result = wf_json_array(answer, "result");
  if (result == NULL) {
    wf_error_set(err, WF_ERR_BAD_ANSWER, "vacationTypes",
                 "answer has no result list");
    status = -1;
  }
  size_t n = (result != NULL) ? json_object_array_length(result) : 0;
  for (size_t i = 0; status == 0 && i < n; i++) {
    json_object *type = json_object_array_get_idx(result, i);
    const char *code = wf_json_string(type, "leave_code");
    const char *name = wf_json_string(type, "leave_name");
    if (code == NULL || code[0] == '\0')
      continue;
    char instance[WF_NAME_LEN];
    wf_instance_name(name, instance, sizeof(instance));
    if (wf_pairs_add(types, code, instance) != 0) {
      wf_error_set(err, WF_ERR_NOMEM, "vacationTypes", "out of memory");
      status = -1;
    }
  }
  json_object_put(answer);
  if (status != 0)
    wf_stats_error(client->stats, "vacationTypes");
  return status;
}

/* Reads one vacation/record/list page into `leave` and says how many
 * records it held and whether more pages follow. Returns 0, or -1 with
 * `err` filled. */
UNITTEST int dt_parse_leave_page(json_object *answer, time_t now,
                                 wf_leave_t *leave, size_t *records,
                                 bool *has_more, wf_error_t *err) {
  json_object *result = wf_json_object(answer, "result");
  json_object *list = wf_json_array(result, "leave_records");
  if (result == NULL) {
    wf_error_set(err, WF_ERR_BAD_ANSWER, "vacationRecords",
                 "answer has no result");
    return -1;
  }
  *has_more = false;
  wf_json_bool(result, "has_more", has_more);
  size_t n = (list != NULL) ? json_object_array_length(list) : 0;
  *records = n;
  for (size_t i = 0; i < n; i++) {
    json_object *record = json_object_array_get_idx(list, i);
    int64_t start_ms = 0;
    int64_t end_ms = -1;
    if (!json_object_is_type(record, json_type_object))
      continue;
    wf_json_int64(record, "start_time", &start_ms);
    wf_json_int64(record, "end_time", &end_ms);
    if (wf_leave_add(leave, now, wf_json_string(record, "userid"),
                     wf_json_string(record, "leave_record_type"),
                     wf_json_string(record, "leave_status"), start_ms,
                     end_ms) != 0) {
      wf_error_set(err, WF_ERR_NOMEM, "vacationRecords", "out of memory");
      return -1;
    }
  }
  return 0;
}

/* One leave type for one batch of users of vacation/record/list (oapi):
 * offset paging. The answer has has_more but no cursor, and holds at most
 * 50 records whatever `size` asks ("每次返回50条数据"): the next offset is
 * this one plus the records the page held. */
typedef struct {
  dt_users_t users; /* first: the batch's users */
  const char *operator_user_id;
  const char *leave_code;
  time_t now;
  wf_leave_t *leave;
} dt_leave_list_t;

static int dt_leave_fill(json_object *request, long long offset, void *arg) {
  const dt_leave_list_t *l = arg;
  json_object_object_add(request, "op_userid",
                         json_object_new_string(l->operator_user_id));
  json_object_object_add(request, "leave_code",
                         json_object_new_string(l->leave_code));
  json_object_object_add(request, "userids",
                         json_object_new_string(l->users.users));
  json_object_object_add(request, "offset", json_object_new_int64(offset));
  json_object_object_add(request, "size",
                         json_object_new_int(DT_LEAVE_PAGE_SIZE));
  return 0;
}

static int dt_leave_read(json_object *answer, void *arg, wf_page_t *page,
                         wf_error_t *err) {
  const dt_leave_list_t *l = arg;
  return dt_parse_leave_page(answer, l->now, l->leave, &page->records,
                             &page->more, err);
}

/* What every leave list of one poll shares. */
typedef struct {
  const char *operator_user_id;
  const wf_pairs_t *types;
  time_t now;
  wf_leave_t *leaves; /* one per type */
} dt_leave_poll_t;

/* Starts one list per leave type for one group of users. */
static int dt_leave_group(dt_run_t *run, wf_strlist_t *group, void *arg) {
  const dt_leave_poll_t *poll = arg;
  for (size_t t = 0; t < poll->types->count; t++) {
    dt_leave_list_t template = {.operator_user_id = poll->operator_user_id,
                                .leave_code = poll->types->items[t].code,
                                .now = poll->now,
                                .leave = &poll->leaves[t]};
    if (dt_run_add_users(run, WF_EP_VACATION_RECORDS, dt_leave_fill,
                         dt_leave_read, &template, sizeof(template),
                         group) != 0)
      return -1;
  }
  return 0;
}

int wf_dingtalk_leave(wf_client_t *client, time_t now, const wf_pairs_t *types,
                      wf_roster_t *users, wf_metrics_t *out, wf_error_t *err) {
  wf_leave_t *leaves = calloc(types->count + 1, sizeof(*leaves));
  int status = -1;

  if (leaves == NULL) {
    wf_error_set(err, WF_ERR_NOMEM, "vacationRecords", "out of memory");
    return -1;
  }
  /* One list per leave type and batch of users, all read side by side. */
  dt_leave_poll_t poll = {client->cfg->operator_user_id, types, now, leaves};
  if (dt_read_roster(client, users, DT_LEAVE_BATCH, "vacationRecords",
                     dt_leave_group, &poll, err) != 0)
    goto out;

  /* All types or nothing: a partial set would read as zeros. */
  wf_metrics_t rows = {0};
  status = 0;
  for (size_t t = 0; status == 0 && t < types->count; t++)
    if (wf_metrics_add_gauge(&rows, "on_leave", types->items[t].name,
                             (double)wf_leave_on_leave(&leaves[t])) != 0 ||
        wf_metrics_add_gauge(&rows, "leave_pending", types->items[t].name,
                             (double)leaves[t].pending) != 0)
      status = -1;
  for (size_t i = 0; status == 0 && i < rows.count; i++)
    if (wf_metrics_add_gauge(out, rows.rows[i].type, rows.rows[i].instance,
                             rows.rows[i].value.gauge) != 0)
      status = -1;
  if (status != 0)
    wf_error_set(err, WF_ERR_NOMEM, "vacationRecords", "out of memory");
  wf_metrics_free(&rows);
out:
  for (size_t t = 0; t < types->count; t++)
    wf_leave_free(&leaves[t]);
  free(leaves);
  return status;
}

/* Reads a report/getunreadcount answer. Returns 0, or -1 with `err`
 * filled. */
UNITTEST int dt_parse_unread_count(json_object *answer, int64_t *count,
                                   wf_error_t *err) {
  if (!wf_json_int64(answer, "count", count) || *count < 0) {
    wf_error_set(err, WF_ERR_BAD_ANSWER, "reportUnread",
                 "answer has no usable count");
    return -1;
  }
  return 0;
}

/* One ReportReader's report/getunreadcount: not paged. */
typedef struct {
  const char *userid;
  int64_t count;
} dt_unread_t;

static int dt_unread_fill(json_object *request, long long cursor, void *arg) {
  const dt_unread_t *l = arg;
  (void)cursor;
  json_object_object_add(request, "userid", json_object_new_string(l->userid));
  return 0;
}

static int dt_unread_read(json_object *answer, void *arg, wf_page_t *page,
                          wf_error_t *err) {
  dt_unread_t *l = arg;
  (void)page;
  return dt_parse_unread_count(answer, &l->count, err);
}

int wf_dingtalk_unread_reports(wf_client_t *client, const wf_pairs_t *readers,
                               wf_metrics_t *out, wf_error_t *err) {
  dt_unread_t *contexts = calloc(readers->count + 1, sizeof(*contexts));
  dt_list_t *lists = calloc(readers->count + 1, sizeof(*lists));
  int status = -1;

  if (contexts == NULL || lists == NULL) {
    wf_error_set(err, WF_ERR_NOMEM, "reportUnread", "out of memory");
    goto out;
  }
  for (size_t i = 0; i < readers->count; i++) {
    contexts[i].userid = readers->items[i].code;
    lists[i] = (dt_list_t){.ep = wf_endpoint(WF_EP_REPORT_UNREAD),
                           .body = dt_unread_fill,
                           .read = dt_unread_read,
                           .ctx = &contexts[i]};
  }
  if (dt_read_lists(client, lists, readers->count, err) != 0)
    goto out;
  status = 0;
  for (size_t i = 0; status == 0 && i < readers->count; i++)
    if (wf_metrics_add_gauge(out, "unread_reports", readers->items[i].name,
                             (double)contexts[i].count) != 0) {
      wf_error_set(err, WF_ERR_NOMEM, "reportUnread", "out of memory");
      status = -1;
    }
out:
  free(lists);
  free(contexts);
  return status;
}

/* Reads one report/simplelist page: counts the reports per template name
 * (as type instances) and returns next_cursor in `next` ("" when has_more
 * is false). Returns 0, or -1 with `err` filled. */
UNITTEST int dt_parse_report_page(json_object *answer, wf_counts_t *templates,
                                  char *next, size_t next_size,
                                  wf_error_t *err) {
  json_object *result = wf_json_object(answer, "result");
  if (result == NULL) {
    wf_error_set(err, WF_ERR_BAD_ANSWER, "reportList", "answer has no result");
    return -1;
  }
  json_object *list = wf_json_array(result, "data_list");
  size_t n = (list != NULL) ? json_object_array_length(list) : 0;
  for (size_t i = 0; i < n; i++) {
    json_object *report = json_object_array_get_idx(list, i);
    if (!json_object_is_type(report, json_type_object))
      continue;
    char instance[WF_NAME_LEN];
    wf_instance_name(wf_json_string(report, "template_name"), instance,
                     sizeof(instance));
    if (wf_counts_add(templates, instance, 1) != 0) {
      wf_error_set(err, WF_ERR_NOMEM, "reportList", "out of memory");
      return -1;
    }
  }
  bool has_more = false;
  wf_json_bool(result, "has_more", &has_more);
  if (!has_more || !wf_json_cursor(result, "next_cursor", next, next_size))
    next[0] = '\0';
  return 0;
}

/* report/simplelist of today (oapi): cursor paging. The first request
 * sends cursor 0, each later one the next_cursor of the answer before; the
 * list ends with has_more false. */
typedef struct {
  time_t from;
  time_t to;
  wf_counts_t *templates;
} dt_report_list_t;

static int dt_report_fill(json_object *request, long long cursor, void *arg) {
  const dt_report_list_t *l = arg;
  dt_window_page(request, l->from, l->to, cursor, DT_REPORT_PAGE_SIZE);
  return 0;
}

static int dt_report_read(json_object *answer, void *arg, wf_page_t *page,
                          wf_error_t *err) {
  const dt_report_list_t *l = arg;
  return dt_parse_report_page(answer, l->templates, page->cursor,
                              sizeof(page->cursor), err);
}

int wf_dingtalk_reports_today(wf_client_t *client, time_t now,
                              wf_counts_t *templates, wf_error_t *err) {
  dt_report_list_t ctx = {wf_day_start(now, client->cfg->utc_offset), now,
                          templates};
  dt_list_t list = {.ep = wf_endpoint(WF_EP_REPORT_LIST),
                    .body = dt_report_fill,
                    .read = dt_report_read,
                    .ctx = &ctx};
  return dt_read_list(client, &list, err);
}

/* report/template/listbyuserid (oapi): cursor paging. The first request
 * sends offset 0, each later one the next_cursor of the answer before; the
 * list ends with an answer without next_cursor. */
static int dt_template_fill(json_object *request, long long offset, void *arg) {
  (void)arg;
  json_object_object_add(request, "offset", json_object_new_int64(offset));
  json_object_object_add(request, "size",
                         json_object_new_int(DT_TEMPLATE_PAGE_SIZE));
  return 0;
}

/* Reads one report/template/listbyuserid page: appends the template names
 * (as type instances) to `names` and returns next_cursor in `next` ("" on
 * the last page). Returns 0, or -1 with `err` filled. */
UNITTEST int dt_parse_template_page(json_object *answer, wf_strlist_t *names,
                                    char *next, size_t next_size,
                                    wf_error_t *err) {
  json_object *result = wf_json_object(answer, "result");
  if (result == NULL) {
    wf_error_set(err, WF_ERR_BAD_ANSWER, "reportTemplates",
                 "answer has no result");
    return -1;
  }
  json_object *list = wf_json_array(result, "template_list");
  size_t n = (list != NULL) ? json_object_array_length(list) : 0;
  for (size_t i = 0; i < n; i++) {
    const char *name =
        wf_json_string(json_object_array_get_idx(list, i), "name");
    if (name == NULL || name[0] == '\0')
      continue;
    char instance[WF_NAME_LEN];
    wf_instance_name(name, instance, sizeof(instance));
    if (wf_strlist_add(names, instance) != 0) {
      wf_error_set(err, WF_ERR_NOMEM, "reportTemplates", "out of memory");
      return -1;
    }
  }
  if (!wf_json_cursor(result, "next_cursor", next, next_size))
    next[0] = '\0';
  return 0;
}

static int dt_template_read(json_object *answer, void *arg, wf_page_t *page,
                            wf_error_t *err) {
  return dt_parse_template_page(answer, arg, page->cursor, sizeof(page->cursor),
                                err);
}

int wf_dingtalk_report_templates(wf_client_t *client, wf_strlist_t *names,
                                 wf_error_t *err) {
  dt_list_t list = {.ep = wf_endpoint(WF_EP_REPORT_TEMPLATES),
                    .body = dt_template_fill,
                    .read = dt_template_read,
                    .ctx = names};
  return dt_read_list(client, &list, err);
}

/* Reads one blackboard/listids page: appends its ids to `ids` and sets
 * `*count` to the number of ids on the page and `*repeated` when one of
 * them was there before. Returns 0, or -1 with `err` filled. */
UNITTEST int dt_parse_announcement_ids(json_object *answer, wf_strlist_t *ids,
                                       size_t *count, bool *repeated,
                                       wf_error_t *err) {
  json_object *result = wf_json_array(answer, "result");
  if (result == NULL) {
    wf_error_set(err, WF_ERR_BAD_ANSWER, "blackboardList",
                 "answer has no result list");
    return -1;
  }
  *count = json_object_array_length(result);
  *repeated = false;
  for (size_t i = 0; i < *count; i++) {
    json_object *id = json_object_array_get_idx(result, i);
    if (!json_object_is_type(id, json_type_string))
      continue;
    for (size_t j = 0; j < ids->count && !*repeated; j++)
      *repeated = strcmp(ids->items[j], json_object_get_string(id)) == 0;
    if (wf_strlist_add(ids, json_object_get_string(id)) != 0) {
      wf_error_set(err, WF_ERR_NOMEM, "blackboardList", "out of memory");
      return -1;
    }
  }
  return 0;
}

/* Reads a blackboard/get answer: adds its result.unread_count to
 * `*unread`. Returns 0, or -1 with `err` filled. */
UNITTEST int dt_parse_announcement(json_object *answer, int64_t *unread,
                                   wf_error_t *err) {
  int64_t count;
  json_object *result = wf_json_object(answer, "result");
  if (!wf_json_int64(result, "unread_count", &count) || count < 0 ||
      wf_sum_add(unread, count) != 0) {
    wf_error_set(err, WF_ERR_BAD_ANSWER, "blackboardGet",
                 "answer has no usable result.unread_count");
    return -1;
  }
  return 0;
}

/* blackboard/listids (oapi): page-number paging. The answer holds ids
 * only, with neither cursor nor has_more, so pages 1, 2, ... are read
 * until one comes back empty: a page shorter than page_size does not
 * prove that the list ended. */
typedef struct {
  const char *operator_user_id;
  char start[32];
  char end[32];
  wf_strlist_t *ids;
} dt_announcement_list_t;

static int dt_announcement_fill(json_object *request, long long number,
                                void *arg) {
  const dt_announcement_list_t *l = arg;
  json_object *query = json_object_new_object();
  if (query == NULL)
    return -1;
  json_object_object_add(query, "operation_userid",
                         json_object_new_string(l->operator_user_id));
  json_object_object_add(query, "start_time", json_object_new_string(l->start));
  json_object_object_add(query, "end_time", json_object_new_string(l->end));
  json_object_object_add(query, "page", json_object_new_int64(number));
  json_object_object_add(query, "page_size",
                         json_object_new_int(DT_BLACKBOARD_PAGE_SIZE));
  json_object_object_add(request, "query_request", query);
  return 0;
}

static int dt_announcement_read(json_object *answer, void *arg, wf_page_t *page,
                                wf_error_t *err) {
  const dt_announcement_list_t *l = arg;
  bool repeated = false;
  if (dt_parse_announcement_ids(answer, l->ids, &page->records, &repeated,
                                err) != 0)
    return -1;
  if (repeated) {
    wf_error_set(err, WF_ERR_PAGING, "blackboardList",
                 "the platform returned an announcement id twice");
    return -1;
  }
  return 0;
}

/* Reads every page of announcement ids created since `from`. */
static int dt_announcement_ids(wf_client_t *client, time_t from, time_t now,
                               wf_strlist_t *ids, wf_error_t *err) {
  dt_announcement_list_t ctx = {
      .operator_user_id = client->cfg->operator_user_id, .ids = ids};
  wf_local_format(from, client->cfg->utc_offset, "%Y-%m-%d %H:%M:%S", ctx.start,
                  sizeof(ctx.start));
  wf_local_format(now, client->cfg->utc_offset, "%Y-%m-%d %H:%M:%S", ctx.end,
                  sizeof(ctx.end));
  dt_list_t list = {.ep = wf_endpoint(WF_EP_BLACKBOARD_LIST),
                    .body = dt_announcement_fill,
                    .read = dt_announcement_read,
                    .ctx = &ctx};
  return dt_read_list(client, &list, err);
}

/* One announcement's blackboard/get: not paged. */
typedef struct {
  const char *id;
  const char *operator_user_id;
  int64_t *unread;
} dt_announcement_t;

static int dt_announcement_get_fill(json_object *request, long long cursor,
                                    void *arg) {
  const dt_announcement_t *l = arg;
  (void)cursor;
  json_object_object_add(request, "blackboard_id",
                         json_object_new_string(l->id));
  json_object_object_add(request, "operation_userid",
                         json_object_new_string(l->operator_user_id));
  return 0;
}

static int dt_announcement_get(json_object *answer, void *arg, wf_page_t *page,
                               wf_error_t *err) {
  const dt_announcement_t *l = arg;
  (void)page;
  return dt_parse_announcement(answer, l->unread, err);
}

int wf_dingtalk_announcements(wf_client_t *client, time_t now,
                              wf_metrics_t *out, wf_error_t *err) {
  time_t from = now - (time_t)DT_ANNOUNCEMENT_DAYS * WF_SECONDS_PER_DAY;
  wf_strlist_t ids = {0};
  dt_announcement_t *contexts = NULL;
  dt_list_t *lists = NULL;
  int64_t unread = 0;
  int status = -1;

  if (dt_announcement_ids(client, from, now, &ids, err) != 0)
    goto out;
  /* Then every announcement's receipts, side by side. */
  contexts = calloc(ids.count + 1, sizeof(*contexts));
  lists = calloc(ids.count + 1, sizeof(*lists));
  if (contexts == NULL || lists == NULL) {
    wf_error_set(err, WF_ERR_NOMEM, "blackboardGet", "out of memory");
    goto out;
  }
  for (size_t i = 0; i < ids.count; i++) {
    contexts[i] = (dt_announcement_t){ids.items[i],
                                      client->cfg->operator_user_id, &unread};
    lists[i] = (dt_list_t){.ep = wf_endpoint(WF_EP_BLACKBOARD_GET),
                           .body = dt_announcement_get_fill,
                           .read = dt_announcement_get,
                           .ctx = &contexts[i]};
  }
  if (dt_read_lists(client, lists, ids.count, err) != 0)
    goto out;
  if (wf_metrics_add_gauge(out, "announcement_unread", NULL, (double)unread) !=
      0) {
    wf_error_set(err, WF_ERR_NOMEM, "blackboardGet", "out of memory");
    goto out;
  }
  status = 0;
out:
  free(lists);
  free(contexts);
  wf_strlist_free(&ids);
  return status;
}
