/*
 * page_login — signing in and out.
 *
 * GET /login: the form, with a double-submit CSRF token (csrf.h) since
 * there is no session yet.  POST /login: check the token, then the
 * throttles (per account and per client address: login_max_failures
 * within login_lockout locks the key for login_lockout), then the
 * password; success starts a new session (a fresh token, whatever cookie
 * came in) and redirects to next= when it is a local path.  Wrong user
 * and wrong password get the same answer.  POST /logout ends the session.
 */
#include <stdio.h>
#include <string.h>

#include "csrf.h"
#include "log.h"
#include "page.h"
#include "sess.h"
#include "worker.h"

/* next= only to a path of ours: "/x", never "//host" or a scheme. */
static const char *
login_next(const char *next)
{
	if (next == NULL || next[0] != '/' || next[1] == '/' ||
	    strlen(next) > 400 || strspn(next,
	    "abcdefghijklmnopqrstuvwxyz0123456789-._/") != strlen(next))
		return "/backupmx";
	return next;
}

static void
login_form(struct req *r, int status, const char *user, const char *next,
    const char *error)
{
	char token[CSRF_TOKEN_MAX];
	struct page_view v;

	if (page_begin(r, &v, "Sign in", "login.tpl") == -1) {
		page_error(r, 500, NULL);
		return;
	}
	if (csrf_issue(r, token) == -1) {
		page_abandon(&v);
		page_error(r, 500, NULL);
		return;
	}
	tpl_set(v.content, "CSRF_FIELD", CSRF_FIELD);
	tpl_set(v.content, "CSRF", token);
	tpl_set(v.content, "USER", user != NULL ? user : "");
	tpl_set(v.content, "NEXT", login_next(next));
	if (error != NULL)
		tpl_set(tpl_section(v.content, "ERROR"), "ERROR", error);
	page_finish(r, &v, status);
}

/* Seconds still locked for this user or this address (0: go ahead). */
static int64_t
login_lock(struct db *db, const char *ukey, const char *akey)
{
	int64_t now = util_now(), a = login_blocked(db, ukey, now),
	    b = login_blocked(db, akey, now);

	return a > b ? a : b;
}

static void
login_post(struct req *r)
{
	const struct config *cf = r->worker->cf;
	struct form f;
	struct account a;
	struct actor who;
	struct db *db;
	const char *user, *pw, *next;
	char ukey[128], akey[128], msg[160];
	int64_t wait;

	/* The sign-in form carries the double-submit token, whatever session
	 * cookie may also have come along (another tab, or a planted one). */
	r->signed_in = 0;
	if (sess_post(r, &f) == -1)
		return;
	user = form_get(&f, "user");
	pw = form_get(&f, "password");
	next = form_get(&f, "next");
	if ((db = worker_db(r->worker)) == NULL) {
		form_free(&f);
		page_error(r, 503, NULL);
		return;
	}
	if (user == NULL || pw == NULL || *user == '\0' || strlen(user) >= 65) {
		login_form(r, 200, user, next, "Enter your user name and "
		    "password.");
		form_free(&f);
		return;
	}
	snprintf(ukey, sizeof(ukey), "user:%s", user);
	snprintf(akey, sizeof(akey), "addr:%s", r->remote_addr);
	if ((wait = login_lock(db, ukey, akey)) > 0) {
		snprintf(msg, sizeof(msg), "Too many failed sign-ins. Try again "
		    "in %lld minute%s.", (long long)(wait + 59) / 60,
		    (wait + 59) / 60 == 1 ? "" : "s");
		log_event(LOG_WARNING, r->id, "sign-in for %.64s from %s "
		    "refused: locked for %lld s", user, r->remote_addr,
		    (long long)wait);
		login_form(r, 429, user, next, msg);
	} else if (account_login(db, user, pw, &a) != STORE_OK) {
		login_failed(db, ukey, util_now(), (int)cf->login_max_failures,
		    cf->login_lockout);
		login_failed(db, akey, util_now(), (int)cf->login_max_failures,
		    cf->login_lockout);
		log_event(LOG_WARNING, r->id, "failed sign-in for %.64s from %s",
		    user, r->remote_addr);
		login_form(r, 200, user, next, "Wrong user name or password.");
	} else if (sess_start(r, &a) == -1) {
		page_error(r, 503, NULL);
	} else {
		login_succeeded(db, ukey);
		login_succeeded(db, akey);
		sess_actor(r, &who);
		audit_add(db, &who, "session.login", a.name, NULL);
		http_redirect(r, login_next(next));
	}
	form_free(&f);
}

void
page_login(struct req *r)
{
	char next[512] = "";
	struct form q;

	if (r->method == HTTP_POST) {
		login_post(r);
		return;
	}
	if (r->signed_in) {
		http_redirect(r, "/backupmx");
		return;
	}
	if (form_parse(&q, r->query, strlen(r->query), NULL) == 0) {
		if (form_get(&q, "next") != NULL)
			util_strlcpy(next, form_get(&q, "next"), sizeof(next));
		form_free(&q);
	}
	login_form(r, 200, NULL, next, NULL);
}

void
page_logout(struct req *r)
{
	struct form f;
	struct actor who;
	struct db *db;

	if (sess_post(r, &f) == -1)
		return;
	form_free(&f);
	if (r->signed_in && (db = worker_db(r->worker)) != NULL) {
		sess_actor(r, &who);
		audit_add(db, &who, "session.logout", who.name, NULL);
	}
	sess_end(r);
	http_redirect(r, "/login");
}
