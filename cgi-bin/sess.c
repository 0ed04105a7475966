/*
 * sess — see sess.h.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "csrf.h"
#include "log.h"
#include "page.h"
#include "sess.h"
#include "worker.h"

void
sess_load(struct req *r)
{
	const char *token = http_cookie(r, SESS_COOKIE);
	struct db *db;

	r->signed_in = 0;
	if (token == NULL || strlen(token) >= SESSION_TOKEN_MAX ||
	    (db = worker_db(r->worker)) == NULL)
		return;
	r->signed_in = session_lookup(db, token, r->worker->cf->session_idle,
	    r->worker->cf->session_lifetime, &r->sess) == STORE_OK;
}

int
sess_require(struct req *r)
{
	char loc[600];

	if (r->signed_in)
		return 0;
	/* Only a plain local path goes into next=; the login page checks it
	 * again before it redirects there. */
	if (r->method != HTTP_POST && strlen(r->path) < 400 &&
	    strspn(r->path, "abcdefghijklmnopqrstuvwxyz0123456789-._/") ==
	    strlen(r->path))
		snprintf(loc, sizeof(loc), "/login?next=%s", r->path);
	else
		snprintf(loc, sizeof(loc), "/login");
	http_redirect(r, loc);
	return -1;
}

int
sess_require_admin(struct req *r)
{
	if (sess_require(r) == -1)
		return -1;
	if (!r->sess.a.admin) {
		page_error(r, 404, NULL);
		return -1;
	}
	return 0;
}

static int
sess_token_eq(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n > 0 && n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

int
sess_post(struct req *r, struct form *f)
{
	const char *sent, *want;

	if (form_parse(f, r->body != NULL ? r->body : "", r->body_len,
	    r->content_type) == -1) {
		page_error(r, 400, NULL);
		return -1;
	}
	sent = form_get(f, CSRF_FIELD);
	want = r->signed_in ? r->sess.csrf : http_cookie(r, CSRF_COOKIE);
	if (sent == NULL || want == NULL || !sess_token_eq(sent, want)) {
		log_event(LOG_WARNING, r->id, "POST %s from %s: CSRF token "
		    "missing or wrong", r->path, r->remote_addr);
		form_free(f);
		page_error(r, 403, "The form was not accepted: it is missing "
		    "its security token, or the token has expired. Reload the "
		    "page and try again.");
		return -1;
	}
	return 0;
}

void
sess_actor(const struct req *r, struct actor *a)
{
	a->account_id = r->signed_in ? r->sess.a.id : 0;
	a->name = r->signed_in ? r->sess.a.name : "anonymous";
	a->client = r->remote_addr;
	a->admin = r->signed_in && r->sess.a.admin;
}

int
sess_start(struct req *r, const struct account *a)
{
	char token[SESSION_TOKEN_MAX], csrf[SESSION_TOKEN_MAX];
	const char *old = http_cookie(r, SESS_COOKIE);
	struct db *db = worker_db(r->worker);

	if (db == NULL)
		return -1;
	/* A new token at every sign-in: a token planted before (session
	 * fixation) never becomes a signed-in one. */
	if (old != NULL)
		session_delete(db, old);
	if (session_create(db, a, r->remote_addr, token, csrf) != STORE_OK)
		return -1;
	if (http_set_cookie(r, SESS_COOKIE, token) == -1)
		return -1;
	r->signed_in = 1;
	memset(&r->sess, 0, sizeof(r->sess));
	r->sess.a = *a;
	util_strlcpy(r->sess.csrf, csrf, sizeof(r->sess.csrf));
	return 0;
}

void
sess_end(struct req *r)
{
	const char *token = http_cookie(r, SESS_COOKIE);
	struct db *db = worker_db(r->worker);
	char cookie[128];

	if (token != NULL && db != NULL)
		session_delete(db, token);
	snprintf(cookie, sizeof(cookie), "%s=; Path=/; Max-Age=0; HttpOnly; "
	    "SameSite=Strict%s", SESS_COOKIE, r->https ? "; Secure" : "");
	http_header(r, "Set-Cookie", cookie);
	r->signed_in = 0;
}
