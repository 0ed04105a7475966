/*
 * api — the AutoDNS-compatible API in the panel's binary: JSON under
 * /v1 (api_json.c) and the XML gateway at /gateway (api_xml.c), both on
 * the tasks of this file.
 *
 * api_dispatch() takes every request whose path is the API's and
 * answers it; page_dispatch() calls it first.  Order of checks: route
 * and method, rate limit per client address (api_rate / api_burst),
 * body size, sign-in (HTTP Basic or <auth>, the X-Domainrobot-Context,
 * the panel's login throttling), then the task.  Every answer, errors
 * included, is the API's envelope (stid, ctid, status, object, data,
 * messages) in the front end's format.
 *
 * The tasks (0521 create, 0523 delete, 0524 info and list) call the
 * store (core/store_bmx.c, store_domain.c, store_bmxq.c) for the signed-
 * in account: a customer sees and changes only its own records, and
 * somebody else's record is "not found", as an absent one is.
 *
 * Errors: a task fills a struct api_status; it never sends anything.
 * Memory: results that a task hands back are freed by the caller with
 * the store's *_free() functions.
 */
#ifndef BMX_API_H
#define BMX_API_H

#include "http.h"
#include "store.h"
#include "store_bmx.h"
#include "store_bmxq.h"

#define API_STID_MAX	48
#define API_CTID_MAX	128
#define API_MSG_MAX	400
#define API_BULK_MAX	1000	/* objects in one bulk request */

/* The front ends' answer to a request of theirs; 1 when handled. */
int	api_dispatch(struct req *r);
int	api_json_handle(struct req *r);
int	api_xml_handle(struct req *r);

enum api_task { API_T_NONE = 0, API_T_CREATE = 521, API_T_DELETE = 523,
	API_T_INFO = 524 };

/* Detail codes of messages[] (status.code is S/E and the task code). */
#define API_EF_AUTH	"EF00001"	/* 401 authentication failed */
#define API_EF_RATE	"EF00002"	/* 429 too many requests */
#define API_EF_LARGE	"EF00003"	/* 413 request too large */
#define API_EF_SYNTAX	"EF00004"	/* 400 malformed JSON or XML */
#define API_EF_INVALID	"EF00005"	/* 400 a value is not acceptable */
#define API_EF_LOCKED	"EF00006"	/* 429 too many failed sign-ins */
#define API_EF_METHOD	"EF00007"	/* 405 */
#define API_EF_ROUTE	"EF00008"	/* 404 no such route */
#define API_EF_NOTFOUND	"EF01004"	/* 404 no such object (of yours) */
#define API_EF_EXISTS	"EF01005"	/* 409 already exists */
#define API_EF_INTERNAL	"EF09999"	/* 500 / 503 */

struct api_status {
	int		 http;		/* 200, 400, 401, 404, 409, 429, ... */
	enum api_task	 task;
	char		 code[8];	/* "S0521", "E0524" */
	const char	*text;		/* status text */
	int		 ok;
	const char	*msgcode;	/* NULL on success */
	char		 msg[API_MSG_MAX];
	char		 object[VALID_NAME_MAX * 4];	/* the record's name */
	int64_t		 retry_after;	/* seconds, with 429 */
};

/* Who asks and how to answer: one per request. */
struct api_ctx {
	struct req	*r;
	struct db	*db;
	struct account	 acct;
	struct actor	 who;
	char		 stid[API_STID_MAX];
	char		 ctid[API_CTID_MAX];	/* "" when none */
	long		 context;
};

/* Extension fields a create may carry (NULL / -1: not given). */
struct api_ext {
	const char	*delivery_host;
	int		 only_when_down;
};

/* Fills stid, and ctid from ?ctid= or X-Domainrobot-Ctid. */
void	api_ctx_init(struct api_ctx *, struct req *r);
/* Keep v as the ctid when it can be echoed anywhere (printable ASCII,
 * shorter than API_CTID_MAX); otherwise it is ignored. */
void	api_set_ctid(struct api_ctx *, const char *v);
/* Success of task t for object (may be NULL). */
void	api_ok(struct api_status *, enum api_task t, const char *object);
void	api_fail(struct api_status *, enum api_task t, int http,
	    const char *msgcode, const char *fmt, ...) ATTR_PRINTF(5, 6);

/* The rate limit and body for a request; 0, or -1 with st filled. */
int	api_admit(struct api_ctx *, struct api_status *st, enum api_task t);
/* Sign in user/password for context (NULL: the configured one);
 * 0, or -1 with st filled (401, 429, 503). */
int	api_auth(struct api_ctx *, const char *user, const char *pw,
	    const char *context, struct api_status *st, enum api_task t);
/* HTTP Basic from the Authorization header, then api_auth(). */
int	api_auth_basic(struct api_ctx *, const char *context,
	    struct api_status *st, enum api_task t);

void	api_create(struct api_ctx *, const char *domain,
	    const struct api_ext *, struct api_status *);
void	api_delete(struct api_ctx *, const char *domain, struct api_status *);
void	api_info(struct api_ctx *, const char *domain, struct bmx_entry *,
	    struct api_status *);
void	api_list(struct api_ctx *, const struct bmxq *, struct bmx_row **,
	    size_t *n, int64_t *total, struct api_status *);

/* Extra fields of a list answer (keys[] / <key>). */
enum api_keys {
	API_K_CREATED = 1, API_K_UPDATED = 2, API_K_DELIVERY = 4,
	API_K_POLICY = 8, API_K_DOWN = 16, API_K_QUEUED = 32,
	API_K_ALL = 63,
	API_K_BASE = 64		/* domain, idn, owner, updater: always there */
};
/* The flag of a key name; 0 when unknown. */
unsigned api_key_flag(const char *name);

#endif
