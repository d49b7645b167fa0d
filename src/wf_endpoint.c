/**
 * collectd-workforce - src/wf_endpoint.c
 * SPDX-License-Identifier: MIT
 *
 * DingTalk limits every API to 20 calls a second per app (standard
 * edition; 90018 or QpsLimitForAppkeyAndApi beyond). Feishu documents 50
 * a second for user_tasks/query and leave_employ_expire_records. Token
 * endpoints are cached and called rarely; they get the conservative
 * default.
 **/
#include "wf_endpoint.h"

#include <stddef.h>
#include <string.h>

#define DT_RATE 20.0
#define FS_RATE 50.0

static const wf_endpoint_t ep_table[WF_EP_COUNT] = {
    /* DingTalk: tokens, contacts and HR lists are not counted. */
    [WF_EP_GETTOKEN] = {"gettoken", WF_HOST_DINGTALK_OAPI, "GET", "/gettoken",
                        false, WF_DEFAULT_RATE, 0, 0, WF_PAGING_CURSOR},
    [WF_EP_EMP_LEAVE_RECORDS] = {"empLeaveRecords", WF_HOST_DINGTALK_API, "GET",
                                 "/v1.0/contact/empLeaveRecords", false,
                                 DT_RATE, 0, 50, WF_PAGING_CURSOR},
    [WF_EP_QUERYONJOB] = {"queryonjob", WF_HOST_DINGTALK_OAPI, "POST",
                          "/topapi/smartwork/hrm/employee/queryonjob", false,
                          DT_RATE, 0, 50, WF_PAGING_CURSOR},
    [WF_EP_QUERYPREENTRY] = {"querypreentry", WF_HOST_DINGTALK_OAPI, "POST",
                             "/topapi/smartwork/hrm/employee/querypreentry",
                             false, DT_RATE, 0, 50, WF_PAGING_CURSOR},
    /* Attendance, leave, report, announcement and sign-in calls count. */
    [WF_EP_LIST_RECORD] = {"listRecord", WF_HOST_DINGTALK_OAPI, "POST",
                           "/attendance/listRecord", true, DT_RATE, 50, 0,
                           WF_PAGING_CURSOR},
    [WF_EP_CHECKIN_RECORD] = {"checkinRecord", WF_HOST_DINGTALK_OAPI, "POST",
                              "/topapi/checkin/record/get", true, DT_RATE, 10,
                              100, WF_PAGING_CURSOR},
    [WF_EP_VACATION_TYPES] = {"vacationTypes", WF_HOST_DINGTALK_OAPI, "POST",
                              "/topapi/attendance/vacation/type/list", true,
                              DT_RATE, 0, 0, WF_PAGING_CURSOR},
    [WF_EP_VACATION_RECORDS] = {"vacationRecords", WF_HOST_DINGTALK_OAPI,
                                "POST",
                                "/topapi/attendance/vacation/record/list", true,
                                DT_RATE, 50, 200, WF_PAGING_OFFSET},
    [WF_EP_REPORT_UNREAD] = {"reportUnread", WF_HOST_DINGTALK_OAPI, "POST",
                             "/topapi/report/getunreadcount", true, DT_RATE, 0,
                             0, WF_PAGING_CURSOR},
    [WF_EP_REPORT_LIST] = {"reportList", WF_HOST_DINGTALK_OAPI, "POST",
                           "/topapi/report/simplelist", true, DT_RATE, 0, 20,
                           WF_PAGING_CURSOR},
    [WF_EP_REPORT_TEMPLATES] = {"reportTemplates", WF_HOST_DINGTALK_OAPI,
                                "POST", "/topapi/report/template/listbyuserid",
                                true, DT_RATE, 0, 100, WF_PAGING_CURSOR},
    [WF_EP_BLACKBOARD_LIST] = {"blackboardList", WF_HOST_DINGTALK_OAPI, "POST",
                               "/topapi/blackboard/listids", true, DT_RATE, 0,
                               30, WF_PAGING_NUMBER},
    [WF_EP_BLACKBOARD_GET] = {"blackboardGet", WF_HOST_DINGTALK_OAPI, "POST",
                              "/topapi/blackboard/get", true, DT_RATE, 0, 0,
                              WF_PAGING_CURSOR},
    /* Feishu has no monthly quota. */
    [WF_EP_TENANT_TOKEN] = {"tenantToken", WF_HOST_FEISHU, "POST",
                            "/open-apis/auth/v3/tenant_access_token/internal",
                            false, WF_DEFAULT_RATE, 0, 0, WF_PAGING_CURSOR},
    [WF_EP_USER_TASKS] = {"userTasks", WF_HOST_FEISHU, "POST",
                          "/open-apis/attendance/v1/user_tasks/query", false,
                          FS_RATE, 50, 0, WF_PAGING_CURSOR},
    [WF_EP_LEAVE_EXPIRY] =
        {"leaveExpiry", WF_HOST_FEISHU, "GET",
         "/open-apis/attendance/v1/leave_employ_expire_records", false, FS_RATE,
         0, 0, WF_PAGING_CURSOR},
};

const wf_endpoint_t *wf_endpoint(wf_endpoint_id_t id) { return &ep_table[id]; }

const wf_endpoint_t *wf_endpoint_find(const char *name) {
  for (size_t i = 0; i < sizeof(ep_table) / sizeof(ep_table[0]); i++)
    if (strcmp(ep_table[i].name, name) == 0)
      return &ep_table[i];
  return NULL;
}

double wf_endpoint_rate(const char *name) {
  const wf_endpoint_t *ep = wf_endpoint_find(name);
  return (ep != NULL) ? ep->rate : WF_DEFAULT_RATE;
}

bool wf_endpoint_counted(const char *name) {
  const wf_endpoint_t *ep = wf_endpoint_find(name);
  return ep != NULL && ep->counted;
}
