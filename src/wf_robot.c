/**
 * collectd-workforce - src/wf_robot.c
 * SPDX-License-Identifier: MIT
 *
 * The queue is a ring of WF_ROBOT_QUEUE notes under one mutex. The
 * notification callback, which runs in whatever thread dispatched the
 * notification, takes the mutex only to copy a note in, and drops the note
 * when the ring is full. The worker takes notes out one at a time, waits
 * for the rate limit, and posts with up to WF_ROBOT_ATTEMPTS attempts.
 **/
#include "wf_robot.h"

#include "wf_common.h"
#include "wf_config_parse.h"
#include "wf_dispatch.h"
#include "wf_http.h"
#include "wf_robot_msg.h"

#include <pthread.h>
#include <time.h>

#define WF_ROBOT_QUEUE 64
#define WF_ROBOT_ATTEMPTS 3
#define WF_ROBOT_RETRY_PAUSE_S 2
#define WF_ROBOT_PER_MINUTE 20

typedef struct wf_robot_s {
  wf_robot_config_t cfg; /* the <Robot> block, as read */

  pthread_mutex_t lock;
  pthread_cond_t wake;
  wf_robot_note_t queue[WF_ROBOT_QUEUE];
  size_t head;
  size_t count;
  bool stop;
  bool started;
  pthread_t worker;

  /* Counters, under `lock`. */
  int64_t sent;
  int64_t dropped;
  c_complain_t drop_complaint;

  struct wf_robot_s *next;
} wf_robot_t;

static wf_robot_t *robots;

/* Frees a robot that has no worker running. */
static void robot_free(wf_robot_t *r) {
  if (r == NULL)
    return;
  wf_robot_config_free(&r->cfg);
  pthread_mutex_destroy(&r->lock);
  pthread_cond_destroy(&r->wake);
  free(r);
}

/* Counts a dropped note and logs the first of a streak. Called with the
 * lock held. */
static void robot_count_drop(wf_robot_t *r, const char *why) {
  r->dropped++;
  c_complain_once(LOG_WARNING, &r->drop_complaint,
                  WF_LOG_PREFIX "robot \"%s\": dropping notifications (%s); "
                                "see robot_messages-dropped",
                  r->cfg.name, why);
}

/* The notification callback: filters and enqueues, never blocks on the
 * network. */
static int robot_notify(const notification_t *n, user_data_t *ud) {
  wf_robot_t *r = ud->data;

  /* NOTIF_FAILURE is 1, NOTIF_OKAY 4: a lower number is more severe. */
  if (n->severity > r->cfg.min_severity)
    return 0;
  if (!r->cfg.all_plugins && strcmp(n->plugin, WF_PLUGIN_NAME) != 0)
    return 0;

  wf_robot_note_t note = {.severity = n->severity,
                          .time = CDTIME_T_TO_TIME_T(n->time)};
  sstrncpy(note.host, n->host, sizeof(note.host));
  sstrncpy(note.plugin, n->plugin, sizeof(note.plugin));
  sstrncpy(note.plugin_instance, n->plugin_instance,
           sizeof(note.plugin_instance));
  sstrncpy(note.type, n->type, sizeof(note.type));
  sstrncpy(note.type_instance, n->type_instance, sizeof(note.type_instance));
  sstrncpy(note.message, n->message, sizeof(note.message));

  pthread_mutex_lock(&r->lock);
  if (r->count == WF_ROBOT_QUEUE) {
    robot_count_drop(r, "the queue is full");
  } else {
    r->queue[(r->head + r->count) % WF_ROBOT_QUEUE] = note;
    r->count++;
    pthread_cond_signal(&r->wake);
  }
  pthread_mutex_unlock(&r->lock);
  return 0;
}

/* Seconds on a monotonic clock. */
static double robot_monotonic(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits up to `seconds`, or until stop is asked. Called with the lock
 * held; returns with it held. Returns true when stop was asked. */
static bool robot_wait_or_stop(wf_robot_t *r, double seconds) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += (time_t)seconds;
  until.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
  if (until.tv_nsec >= 1000000000L) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000L;
  }
  while (!r->stop)
    if (pthread_cond_timedwait(&r->wake, &r->lock, &until) != 0)
      break;
  return r->stop;
}

/* Posts one note; true when the robot took it. */
static bool robot_post(wf_robot_t *r, wf_http_t *http,
                       const wf_robot_note_t *note) {
  cdtime_t now = cdtime();
  long long now_ms = (long long)CDTIME_T_TO_MS(now);
  char *body = wf_robot_body(r->cfg.platform, note, r->cfg.secret, now_ms);
  char *url = wf_robot_url(r->cfg.platform, r->cfg.url, r->cfg.secret, now_ms);
  bool ok = false;

  if (body != NULL && url != NULL) {
    const char *headers[] = {"Content-Type: application/json; charset=utf-8",
                             NULL};
    wf_http_response_t response;
    if (wf_http_perform(http, "POST", url, headers, body, &response) ==
            WF_HTTP_OK &&
        response.status == 200)
      ok = wf_robot_answer_ok(response.body, response.size);
    wf_http_response_free(&response);
  }
  if (url != NULL)
    explicit_bzero(url, strlen(url));
  free(url);
  free(body);
  return ok;
}

/* The worker: one per robot. */
static void *robot_worker(void *arg) {
  wf_robot_t *r = arg;
  wf_http_options_t options = {.timeout_ms = r->cfg.timeout_ms,
                               .max_response_size = 64 * 1024,
                               .verify_peer = true,
                               .verify_host = true};
  wf_http_t *http = wf_http_create(&options);
  wf_rate_t rate;
  wf_rate_init(&rate, WF_ROBOT_PER_MINUTE, 60.0);

  pthread_mutex_lock(&r->lock);
  while (!r->stop) {
    if (r->count == 0) {
      pthread_cond_wait(&r->wake, &r->lock);
      continue;
    }
    double wait = wf_rate_wait(&rate, robot_monotonic());
    if (wait > 0) {
      if (robot_wait_or_stop(r, wait))
        break;
      continue;
    }
    wf_robot_note_t note = r->queue[r->head];
    r->head = (r->head + 1) % WF_ROBOT_QUEUE;
    r->count--;
    pthread_mutex_unlock(&r->lock);

    bool ok = false;
    for (int attempt = 0; attempt < WF_ROBOT_ATTEMPTS && !ok; attempt++) {
      if (attempt > 0) {
        pthread_mutex_lock(&r->lock);
        bool stop = robot_wait_or_stop(r, WF_ROBOT_RETRY_PAUSE_S * attempt);
        pthread_mutex_unlock(&r->lock);
        if (stop)
          break;
      }
      wf_rate_sent(&rate, robot_monotonic());
      ok = (http != NULL) && robot_post(r, http, &note);
    }

    pthread_mutex_lock(&r->lock);
    if (ok) {
      r->sent++;
      c_release(LOG_INFO, &r->drop_complaint,
                WF_LOG_PREFIX "robot \"%s\": delivering again", r->cfg.name);
    } else {
      robot_count_drop(r, "the robot did not take them");
    }
  }
  pthread_mutex_unlock(&r->lock);
  wf_http_destroy(http);
  return NULL;
}

/* Dispatches robot_messages sent and dropped. */
static int robot_read(user_data_t *ud) {
  wf_robot_t *r = ud->data;
  pthread_mutex_lock(&r->lock);
  int64_t sent = r->sent;
  int64_t dropped = r->dropped;
  pthread_mutex_unlock(&r->lock);

  wf_metrics_t rows = {0};
  int status = 0;
  if (wf_metrics_add_derive(&rows, "robot_messages", "sent", sent) != 0 ||
      wf_metrics_add_derive(&rows, "robot_messages", "dropped", dropped) != 0)
    status = -1;
  else
    /* collectd stamps the values with now and this callback's interval. */
    wf_dispatch_metrics(r->cfg.name, &rows, 0, 0);
  wf_metrics_free(&rows);
  return status;
}

int wf_robot_create(const oconfig_item_t *ci, wf_robot_config_t *cfg) {
  wf_robot_t *r = calloc(1, sizeof(*r));
  if (r == NULL) {
    wf_config_error(ci, NULL, "out of memory");
    wf_robot_config_free(cfg);
    return -1;
  }
  pthread_mutex_init(&r->lock, NULL);
  pthread_cond_init(&r->wake, NULL);
  C_COMPLAIN_INIT(&r->drop_complaint);
  /* The robot takes what the configuration holds. */
  r->cfg = *cfg;
  memset(cfg, 0, sizeof(*cfg));

  char callback[2 * WF_NAME_LEN];
  snprintf(callback, sizeof(callback), WF_PLUGIN_NAME "/robot/%s", r->cfg.name);
  /* The robot list owns the robots: no free function on the callbacks. */
  if (plugin_register_notification(callback, robot_notify,
                                   &(user_data_t){.data = r}) != 0 ||
      plugin_register_complex_read(WF_PLUGIN_NAME, callback, robot_read, 0,
                                   &(user_data_t){.data = r}) != 0) {
    wf_config_error(ci, NULL, "registering the robot with collectd failed");
    plugin_unregister_notification(callback);
    robot_free(r);
    return -1;
  }
  r->next = robots;
  robots = r;
  INFO(WF_LOG_PREFIX "robot \"%s\" forwards %s notifications of %s to %s",
       r->cfg.name,
       (r->cfg.min_severity == NOTIF_OKAY)      ? "all"
       : (r->cfg.min_severity == NOTIF_WARNING) ? "warning and failure"
                                                : "failure",
       r->cfg.all_plugins ? "every plugin" : "this plugin",
       (r->cfg.platform == WF_ROBOT_DINGTALK) ? "DingTalk" : "Feishu");
  return 0;
}

int wf_robot_start_all(void) {
  int status = 0;
  for (wf_robot_t *r = robots; r != NULL; r = r->next) {
    if (r->started)
      continue;
    if (plugin_thread_create(&r->worker, robot_worker, r, "workforce robot") !=
        0) {
      ERROR(WF_LOG_PREFIX "robot \"%s\": cannot start its worker", r->cfg.name);
      status = -1;
      continue;
    }
    r->started = true;
  }
  return status;
}

void wf_robot_stop_all(void) {
  for (wf_robot_t *r = robots; r != NULL; r = r->next) {
    if (!r->started)
      continue;
    pthread_mutex_lock(&r->lock);
    r->stop = true;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->worker, NULL);
    r->started = false;
  }
  /* The callbacks still point at the robots until collectd drops them
   * after the shutdown callbacks; unregister them first. */
  while (robots != NULL) {
    wf_robot_t *r = robots;
    char callback[2 * WF_NAME_LEN];
    snprintf(callback, sizeof(callback), WF_PLUGIN_NAME "/robot/%s",
             r->cfg.name);
    plugin_unregister_notification(callback);
    plugin_unregister_read(callback);
    robots = r->next;
    robot_free(r);
  }
}
