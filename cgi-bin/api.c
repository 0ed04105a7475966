/*
 * api — dispatch, admission, sign-in and the tasks of the API.  See
 * api.h.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "api.h"
#include "form.h"
#include "log.h"
#include "ratelimit.h"
#include "store_api.h"
#include "worker.h"

/* One limiter for the process, made from the configuration on first use. */
static struct ratelimit api_rl;
static pthread_mutex_t api_rl_lock = PTHREAD_MUTEX_INITIALIZER;
static int api_rl_ready;

static struct ratelimit *
api_limiter(const struct config *cf)
{
	pthread_mutex_lock(&api_rl_lock);
	if (!api_rl_ready) {
		rl_init(&api_rl, (double)cf->api_rate, (double)cf->api_burst);
		api_rl_ready = 1;
	}
	pthread_mutex_unlock(&api_rl_lock);
	return &api_rl;
}

int
api_dispatch(struct req *r)
{
	if (strcmp(r->path, "/v1") == 0 || strncmp(r->path, "/v1/", 4) == 0)
		return api_json_handle(r);
	if (strcmp(r->path, "/gateway") == 0)
		return api_xml_handle(r);
	return 0;
}

void
api_set_ctid(struct api_ctx *c, const char *v)
{
	size_t i;

	if (v == NULL || strlen(v) >= sizeof(c->ctid))
		return;
	for (i = 0; v[i] != '\0'; i++)
		if (v[i] < 0x20 || v[i] > 0x7e)
			return;
	util_strlcpy(c->ctid, v, sizeof(c->ctid));
}

void
api_ctx_init(struct api_ctx *c, struct req *r)
{
	char day[32];
	struct form q;
	struct tm tm;
	time_t now = time(NULL);

	memset(c, 0, sizeof(*c));
	c->r = r;
	c->context = r->worker->cf->api_context;
	gmtime_r(&now, &tm);
	strftime(day, sizeof(day), "%Y%m%d-%H%M%S", &tm);
	snprintf(c->stid, sizeof(c->stid), "%s-bmx-%s", day, r->id);
	api_set_ctid(c, FCGX_GetParam("HTTP_X_DOMAINROBOT_CTID",
	    r->fcgi->envp));
	if (form_parse(&q, r->query, strlen(r->query), NULL) == 0) {
		api_set_ctid(c, form_get(&q, "ctid"));
		form_free(&q);
	}
}

static const struct {
	enum api_task	 task;
	const char	*ok, *fail;
} api_texts[] = {
	{ API_T_CREATE, "BackupMx created.", "BackupMx could not be created." },
	{ API_T_DELETE, "BackupMx deleted.", "BackupMx could not be deleted." },
	{ API_T_INFO, "BackupMx data inquired.",
	    "BackupMx data could not be inquired." },
	{ API_T_NONE, "Request done.", "Request refused." },
};

static const char *
api_text(enum api_task t, int ok)
{
	size_t i;

	for (i = 0; i < sizeof(api_texts) / sizeof(api_texts[0]) - 1; i++)
		if (api_texts[i].task == t)
			break;
	return ok ? api_texts[i].ok : api_texts[i].fail;
}

void
api_ok(struct api_status *st, enum api_task t, const char *object)
{
	memset(st, 0, sizeof(*st));
	st->http = 200;
	st->task = t;
	st->ok = 1;
	snprintf(st->code, sizeof(st->code), "S%04d", (int)t);
	st->text = api_text(t, 1);
	if (object != NULL)
		util_strlcpy(st->object, object, sizeof(st->object));
}

void
api_fail(struct api_status *st, enum api_task t, int http,
    const char *msgcode, const char *fmt, ...)
{
	char object[sizeof(st->object)];
	va_list ap;

	util_strlcpy(object, st->object, sizeof(object));
	memset(st, 0, sizeof(*st));
	util_strlcpy(st->object, object, sizeof(st->object));
	st->http = http;
	st->task = t;
	snprintf(st->code, sizeof(st->code), "E%04d", (int)t);
	st->text = api_text(t, 0);
	st->msgcode = msgcode;
	va_start(ap, fmt);
	vsnprintf(st->msg, sizeof(st->msg), fmt, ap);
	va_end(ap);
}

int
api_admit(struct api_ctx *c, struct api_status *st, enum api_task t)
{
	const struct config *cf = c->r->worker->cf;
	int64_t wait;
	int rc;

	wait = rl_take(api_limiter(cf), c->r->remote_addr, rl_now_ms());
	if (wait > 0) {
		api_fail(st, t, 429, API_EF_RATE, "too many requests: at most "
		    "%ld a second (bursts of %ld)", cf->api_rate, cf->api_burst);
		st->retry_after = (wait + 999) / 1000;
		return -1;
	}
	if ((rc = http_req_body(c->r)) != 0) {
		if (rc == 413)
			api_fail(st, t, 413, API_EF_LARGE, "the request is larger "
			    "than %d bytes", REQ_BODY_MAX);
		else
			api_fail(st, t, rc, rc == 400 ? API_EF_SYNTAX :
			    API_EF_INTERNAL, "the request body could not be read");
		return -1;
	}
	if ((c->db = worker_db(c->r->worker)) == NULL) {
		api_fail(st, t, 503, API_EF_INTERNAL, "the service is not "
		    "available right now");
		return -1;
	}
	return 0;
}

/* Seconds the user or the address is still locked out (0: go ahead). */
static int64_t
api_locked(struct api_ctx *c, const char *ukey, const char *akey)
{
	int64_t now = util_now(), a = login_blocked(c->db, ukey, now),
	    b = login_blocked(c->db, akey, now);

	return a > b ? a : b;
}

static int
api_context_ok(const struct api_ctx *c, const char *context)
{
	char *end;
	long v;

	if (context == NULL || *context == '\0')
		return 1;
	if (!isdigit((unsigned char)*context))
		return 0;
	v = strtol(context, &end, 10);
	return *end == '\0' && v == c->context;
}

static void
api_auth_failed(struct api_ctx *c, const char *user, const char *ukey,
    const char *akey)
{
	const struct config *cf = c->r->worker->cf;

	login_failed(c->db, ukey, util_now(), (int)cf->login_max_failures,
	    cf->login_lockout);
	login_failed(c->db, akey, util_now(), (int)cf->login_max_failures,
	    cf->login_lockout);
	log_event(LOG_WARNING, c->r->id, "API: failed sign-in for %.64s "
	    "from %s", user, c->r->remote_addr);
}

int
api_auth(struct api_ctx *c, const char *user, const char *pw,
    const char *context, struct api_status *st, enum api_task t)
{
	char ukey[128], akey[128];
	int64_t wait;
	int rc, verified = 0;

	if (user == NULL || pw == NULL || *user == '\0' ||
	    strlen(user) >= ACCOUNT_NAME_MAX || strlen(pw) > 1024 ||
	    !api_context_ok(c, context)) {
		api_fail(st, t, 401, API_EF_AUTH, "authentication failed: "
		    "user, password or context is wrong");
		return -1;
	}
	snprintf(ukey, sizeof(ukey), "user:%s", user);
	snprintf(akey, sizeof(akey), "addr:%s", c->r->remote_addr);
	if ((wait = api_locked(c, ukey, akey)) > 0) {
		api_fail(st, t, 429, API_EF_LOCKED, "too many failed sign-ins: "
		    "try again in %lld seconds", (long long)wait);
		st->retry_after = wait;
		return -1;
	}
	rc = store_api_login(c->db, user, pw, &c->acct, &verified);
	if (rc == STORE_NOTFOUND) {
		api_auth_failed(c, user, ukey, akey);
		api_fail(st, t, 401, API_EF_AUTH, "authentication failed: "
		    "user, password or context is wrong");
		return -1;
	}
	if (rc != STORE_OK) {
		log_event(LOG_ERR, c->r->id, "API sign-in: %s", db_error(c->db));
		api_fail(st, t, 503, API_EF_INTERNAL, "the service is not "
		    "available right now");
		return -1;
	}
	if (verified) {		/* not on every request: these are writes */
		login_succeeded(c->db, ukey);
		login_succeeded(c->db, akey);
	}
	c->who.account_id = c->acct.id;
	c->who.name = c->acct.name;
	c->who.client = c->r->remote_addr;
	c->who.admin = c->acct.admin;
	return 0;
}

int
api_auth_basic(struct api_ctx *c, const char *context, struct api_status *st,
    enum api_task t)
{
	const char *h = FCGX_GetParam("HTTP_AUTHORIZATION", c->r->fcgi->envp);
	char buf[2048], *colon;
	size_t len = 0;
	int rc;

	if (h == NULL || strncasecmp(h, "Basic ", 6) != 0 ||
	    strlen(h) > 2 * sizeof(buf) ||
	    sodium_base642bin((unsigned char *)buf, sizeof(buf) - 1, h + 6,
	    strlen(h + 6), " ", &len, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    memchr(buf, '\0', len) != NULL ||
	    (buf[len] = '\0', colon = strchr(buf, ':')) == NULL) {
		http_header(c->r, "WWW-Authenticate", "Basic realm=\"backupmx\"");
		api_fail(st, t, 401, API_EF_AUTH, "authentication failed: "
		    "HTTP Basic credentials are required");
		return -1;
	}
	*colon = '\0';
	rc = api_auth(c, buf, colon + 1, context, st, t);
	sodium_memzero(buf, sizeof(buf));
	if (rc == -1 && st->http == 401)
		http_header(c->r, "WWW-Authenticate", "Basic realm=\"backupmx\"");
	return rc;
}

/* --- the tasks -------------------------------------------------------- */

/* The A-label of a typed name, for the answer's object; else as typed. */
static void
api_object(struct api_status *st, const char *domain)
{
	char a[VALID_NAME_MAX], u[VALID_NAME_MAX * 4], err[VALID_ERR_MAX];

	if (domain == NULL)
		return;
	if (valid_domain(domain, a, u, err) == 0)
		util_strlcpy(st->object, a, sizeof(st->object));
	else
		util_strlcpy(st->object, domain, sizeof(st->object));
}

/* A store result as a status. */
static void
api_store_status(struct api_ctx *c, struct api_status *st, enum api_task t,
    int rc)
{
	switch (rc) {
	case STORE_OK:
		api_ok(st, t, NULL);
		return;
	case STORE_INVALID:
		api_fail(st, t, 400, API_EF_INVALID, "%s", db_error(c->db));
		return;
	case STORE_EXISTS:
		api_fail(st, t, 409, API_EF_EXISTS, "%s", db_error(c->db));
		return;
	case STORE_NOTFOUND:
		api_fail(st, t, 404, API_EF_NOTFOUND, "%s", db_error(c->db));
		return;
	default:
		log_event(LOG_ERR, c->r->id, "API task %04d: %s", (int)t,
		    db_error(c->db));
		api_fail(st, t, 500, API_EF_INTERNAL, "the task failed; the "
		    "error has been logged");
	}
}

void
api_create(struct api_ctx *c, const char *domain, const struct api_ext *x,
    struct api_status *st)
{
	struct bmx_ext e;
	int rc;

	memset(st, 0, sizeof(*st));
	api_object(st, domain);
	if (domain == NULL || *domain == '\0') {
		api_fail(st, API_T_CREATE, 400, API_EF_INVALID, "domain: a "
		    "domain name is required");
		return;
	}
	rc = bmx_add(c->db, &c->who, domain, x->delivery_host);
	if (rc == STORE_OK && x->only_when_down == 1) {
		memset(&e, 0, sizeof(e));
		e.delivery_host = x->delivery_host;
		e.only_when_down = 1;
		rc = bmx_update(c->db, &c->who, domain, &e);
	}
	api_store_status(c, st, API_T_CREATE, rc);
	api_object(st, domain);
}

void
api_delete(struct api_ctx *c, const char *domain, struct api_status *st)
{
	memset(st, 0, sizeof(*st));
	api_store_status(c, st, API_T_DELETE, bmx_del(c->db, &c->who, domain));
	api_object(st, domain);
}

void
api_info(struct api_ctx *c, const char *domain, struct bmx_entry *e,
    struct api_status *st)
{
	memset(st, 0, sizeof(*st));
	api_store_status(c, st, API_T_INFO, bmx_get(c->db, &c->who, domain,
	    e));
	api_object(st, domain);
}

void
api_list(struct api_ctx *c, const struct bmxq *q, struct bmx_row **rows,
    size_t *n, int64_t *total, struct api_status *st)
{
	memset(st, 0, sizeof(*st));
	api_store_status(c, st, API_T_INFO, bmxq_search(c->db, &c->who, q,
	    rows, n, total));
}
