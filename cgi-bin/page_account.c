/*
 * page_account — the signed-in user's own account, and the admin pages
 * for users and the audit log.
 *
 *   GET  /account               who you are, password and e-mail forms
 *   POST /account/password      current, new, repeat → 303 ?done=password
 *   POST /account/email         email ("" clears it)  → 303 ?done=email
 *   GET  /admin/users[?page=N]  every account, 50 a page, and a form to
 *   POST /admin/users           add one (password typed, or made and
 *                               shown once on the result page)
 *   POST /admin/users/disable   name=: disable (ends its sessions)
 *   POST /admin/users/enable    name=: enable again
 *   GET  /admin/audit[?page=N]  the audit log, newest first
 *
 * Every POST goes through sess_post() (CSRF).  The admin routes take any
 * method so that a customer gets 404 for every verb: admin_begin() answers
 * 404 to non-admins before it answers 405 to admins.  A form that fails
 * validation comes back (200) with each error beside its field and the
 * user's input kept -- never a password.  All SQL is in core/ (store.h,
 * store_admin.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "log.h"
#include "page.h"
#include "sess.h"
#include "store_admin.h"
#include "worker.h"

#define ADMIN_PAGE_SIZE	50
#define ADMIN_PAGE_MAX	1000000
#define ADMIN_ANY	(HTTP_GET | HTTP_POST | HTTP_OTHER)
#define ISO_MAX		32

static void account_get(struct req *);
static void account_password(struct req *);
static void account_email(struct req *);
static void admin_users(struct req *);
static void admin_disable(struct req *);
static void admin_enable(struct req *);
static void admin_audit(struct req *);

const struct page_route page_account_routes[] = {
	{ "/account",			HTTP_GET,	account_get },
	{ "/account/password",		HTTP_POST,	account_password },
	{ "/account/email",		HTTP_POST,	account_email },
	{ "/admin/users",		ADMIN_ANY,	admin_users },
	{ "/admin/users/disable",	ADMIN_ANY,	admin_disable },
	{ "/admin/users/enable",	ADMIN_ANY,	admin_enable },
	{ "/admin/audit",		ADMIN_ANY,	admin_audit },
	{ NULL, 0, NULL }
};

/* --- validators for form_key ----------------------------------------- */

static int
account_v_name(const char *in, char *out, size_t outsz, char *err)
{
	if (account_valid_name(in, err) == -1)
		return -1;
	util_strlcpy(out, in, outsz);
	return 0;
}

static int
account_v_email(const char *in, char *out, size_t outsz, char *err)
{
	char mail[VALID_ADDR_MAX];

	if (valid_email(in, mail, err) == -1)
		return -1;
	util_strlcpy(out, mail, outsz);
	return 0;
}

static int
account_v_role(const char *in, char *out, size_t outsz, char *err)
{
	if (strcmp(in, "customer") != 0 && strcmp(in, "admin") != 0) {
		snprintf(err, VALID_ERR_MAX, "choose customer or admin");
		return -1;
	}
	util_strlcpy(out, in, outsz);
	return 0;
}

/* --- small helpers ---------------------------------------------------- */

static struct db *
account_db(struct req *r)
{
	struct db *db = worker_db(r->worker);

	if (db == NULL)
		page_error(r, 503, NULL);
	return db;
}

/* A page number 1..ADMIN_PAGE_MAX, or 0 for anything else. */
static int64_t
admin_page_num(const char *s)
{
	char out[16], err[VALID_ERR_MAX];
	long long n;

	if (s == NULL || *s == '\0' || strlen(s) >= sizeof(out) ||
	    form_v_int(s, out, sizeof(out), err) == -1)
		return 0;
	n = strtoll(out, NULL, 10);
	return n >= 1 && n <= ADMIN_PAGE_MAX ? n : 0;
}

/* ?page=N: 1 when absent, -1 (and a 400 sent) when not 1..max. */
static int64_t
admin_page_arg(struct req *r)
{
	char v[32];
	int64_t n;

	if (http_query(r, "page", v, sizeof(v)) >= 0 && v[0] == '\0')
		return 1;
	if ((n = admin_page_num(v)) == 0) {
		page_error(r, 400, "The page number must be a whole number "
		    "from 1.");
		return -1;
	}
	return n;
}

/* Previous/next links; more says whether a row beyond this page exists. */
static void
admin_paging(struct tpl *d, int64_t page, int more)
{
	tpl_set_int(d, "PAGE", page);
	if (page > 1)
		tpl_set_int(tpl_section(d, "PREV"), "N", page - 1);
	if (more)
		tpl_set_int(tpl_section(d, "NEXT"), "N", page + 1);
	if (page > 1 || more)
		tpl_show(d, "PAGING");
}

/* An error beside a field: section NAME with ERR, shown only when set. */
static void
account_field_error(struct tpl *d, const char *section, const char *err)
{
	if (err != NULL && err[0] != '\0')
		tpl_set(tpl_section(d, section), "ERR", err);
}

/* Sub-resources of admin pages: admins only, then the method. */
static int
admin_begin(struct req *r, unsigned methods)
{
	enum http_method m = r->method == HTTP_HEAD ? HTTP_GET : r->method;

	if (sess_require_admin(r) == -1)
		return -1;
	if (((unsigned)m & methods) == 0) {
		http_header(r, "Allow", (methods & HTTP_GET) == 0 ? "POST" :
		    (methods & HTTP_POST) != 0 ? "GET, HEAD, POST" :
		    "GET, HEAD");
		page_error(r, 405, NULL);
		return -1;
	}
	return 0;
}

/* --- /account --------------------------------------------------------- */

enum { PW_CURRENT, PW_NEW, PW_REPEAT, PW_NFIELDS };

/* What a re-rendered account page shows besides the account itself. */
struct account_view {
	const char	*done;			/* a success message, or NULL */
	const char	*email;			/* the e-mail field's value */
	const char	*email_err;
	char		 pw_err[PW_NFIELDS][VALID_ERR_MAX];
};

static void
account_render(struct req *r, const struct account_view *av, int status)
{
	const struct account *a = &r->sess.a;
	struct page_view v;
	char created[ISO_MAX];

	if (page_begin(r, &v, "Account", "account.tpl") == -1) {
		page_error(r, 500, NULL);
		return;
	}
	if (av->done != NULL)
		tpl_set(tpl_section(v.content, "DONE"), "MESSAGE", av->done);
	tpl_set(v.content, "NAME", a->name);
	tpl_set(v.content, "ROLE", a->admin ? "admin" : "customer");
	tpl_set(v.content, "CREATED", util_iso8601(a->created, created,
	    sizeof(created)));
	if (a->email[0] != '\0')
		tpl_set(tpl_section(v.content, "HAS_EMAIL"), "EMAIL_NOW",
		    a->email);
	else
		tpl_show(v.content, "NO_EMAIL");
	tpl_set(v.content, "EMAIL", av->email != NULL ? av->email : a->email);
	account_field_error(v.content, "CURRENT_ERR", av->pw_err[PW_CURRENT]);
	account_field_error(v.content, "NEW_ERR", av->pw_err[PW_NEW]);
	account_field_error(v.content, "REPEAT_ERR", av->pw_err[PW_REPEAT]);
	account_field_error(v.content, "EMAIL_ERR", av->email_err);
	tpl_set_int(v.content, "PW_MIN", AUTH_PASSWORD_MIN);
	page_finish(r, &v, status);
}

static void
account_get(struct req *r)
{
	struct account_view av;
	char done[16];

	if (sess_require(r) == -1)
		return;
	memset(&av, 0, sizeof(av));
	(void)http_query(r, "done", done, sizeof(done));
	if (strcmp(done, "password") == 0)
		av.done = "Your password has been changed. Every other session "
		    "of your account has been signed out.";
	else if (strcmp(done, "email") == 0)
		av.done = "Your contact e-mail address has been saved.";
	account_render(r, &av, 200);
}

/* Field checks that need no database; the count of errors. */
static int
account_password_check(const char *cur, const char *pw, const char *rep,
    struct account_view *av)
{
	char (*e)[VALID_ERR_MAX] = av->pw_err;

	if (cur == NULL || *cur == '\0')
		snprintf(e[PW_CURRENT], VALID_ERR_MAX, "enter your current "
		    "password");
	if (pw == NULL || auth_password_ok(pw, e[PW_NEW], VALID_ERR_MAX) ==
	    -1) {
		if (pw == NULL)
			snprintf(e[PW_NEW], VALID_ERR_MAX, "enter a new password");
	} else if (cur != NULL && strcmp(cur, pw) == 0)
		snprintf(e[PW_NEW], VALID_ERR_MAX, "the new password is the "
		    "current one");
	if (e[PW_NEW][0] == '\0' && (rep == NULL || strcmp(pw, rep) != 0))
		snprintf(e[PW_REPEAT], VALID_ERR_MAX, "the two new passwords "
		    "differ");
	return (e[PW_CURRENT][0] != '\0') + (e[PW_NEW][0] != '\0') +
	    (e[PW_REPEAT][0] != '\0');
}

/*
 * Wrong current passwords count against the account's sign-in throttle:
 * a stolen session must not become a way to guess the password.
 */
static int
account_password_store(struct req *r, struct db *db, const char *cur,
    const char *pw, struct account_view *av)
{
	const struct config *cf = r->worker->cf;
	struct actor who;
	char key[128];
	int64_t wait;
	int rc;

	snprintf(key, sizeof(key), "user:%s", r->sess.a.name);
	if ((wait = login_blocked(db, key, util_now())) > 0) {
		snprintf(av->pw_err[PW_CURRENT], VALID_ERR_MAX, "too many wrong "
		    "passwords: try again in %lld minute%s",
		    (long long)(wait + 59) / 60, (wait + 59) / 60 == 1 ? "" : "s");
		return 429;
	}
	sess_actor(r, &who);
	rc = account_set_password(db, &who, cur, pw, r->sess.id);
	if (rc == STORE_INVALID) {
		login_failed(db, key, util_now(), (int)cf->login_max_failures,
		    cf->login_lockout);
		log_event(LOG_WARNING, r->id, "password change for %s from %s: "
		    "wrong current password", r->sess.a.name, r->remote_addr);
		snprintf(av->pw_err[PW_CURRENT], VALID_ERR_MAX, "the current "
		    "password is not right");
		return 200;
	}
	if (rc != STORE_OK) {
		log_event(LOG_ERR, r->id, "password change for %s: %s",
		    r->sess.a.name, db_error(db));
		return 503;
	}
	login_succeeded(db, key);
	return 0;
}

static void
account_password(struct req *r)
{
	struct account_view av;
	struct form f;
	struct db *db;
	const char *cur, *pw;
	int status = 200;

	if (sess_require(r) == -1 || sess_post(r, &f) == -1)
		return;
	memset(&av, 0, sizeof(av));
	cur = form_get(&f, "current");
	pw = form_get(&f, "new");
	if (account_password_check(cur, pw, form_get(&f, "repeat"), &av) ==
	    0) {
		if ((db = account_db(r)) == NULL) {
			form_free(&f);
			return;
		}
		status = account_password_store(r, db, cur, pw, &av);
	}
	form_free(&f);
	if (status == 0)
		http_redirect(r, "/account?done=password");
	else if (status == 503)
		page_error(r, 503, NULL);
	else
		account_render(r, &av, status);
}

static void
account_email(struct req *r)
{
	static const struct form_key keys[] = {
		{ "email", 0, account_v_email },
	};
	char vals[1][FORM_VALUE_MAX], errs[1][VALID_ERR_MAX];
	struct account_view av;
	struct actor who;
	struct form f;
	struct db *db;
	int rc;

	if (sess_require(r) == -1 || sess_post(r, &f) == -1)
		return;
	form_check(&f, keys, 1, vals, errs);
	form_free(&f);
	if (errs[0][0] == '\0') {
		if ((db = account_db(r)) == NULL)
			return;
		sess_actor(r, &who);
		if ((rc = account_set_email(db, &who, vals[0])) == STORE_OK) {
			http_redirect(r, "/account?done=email");
			return;
		}
		if (rc != STORE_INVALID) {
			page_error(r, 503, NULL);
			return;
		}
		util_strlcpy(errs[0], db_error(db), sizeof(errs[0]));
	}
	memset(&av, 0, sizeof(av));
	av.email = vals[0];
	av.email_err = errs[0];
	account_render(r, &av, 200);
}

/* --- /admin/users ----------------------------------------------------- */

enum { ADD_NAME, ADD_ROLE, ADD_EMAIL, ADD_NKEYS };

static const struct form_key admin_add_keys[ADD_NKEYS] = {
	{ "name",	1, account_v_name },
	{ "role",	1, account_v_role },
	{ "email",	0, account_v_email },
};

/* The add-a-user form as the admin left it, with its errors. */
struct admin_add {
	char	vals[ADD_NKEYS][FORM_VALUE_MAX];
	char	errs[ADD_NKEYS][VALID_ERR_MAX];
	char	pw_err[VALID_ERR_MAX];
	char	error[DB_ERR_MAX];	/* not about one field */
	int	open;
};

static void
admin_user_row(struct req *r, struct tpl *list, const struct account_row *u,
    int64_t page)
{
	struct tpl *row = tpl_section(list, "USER");
	char created[ISO_MAX];

	tpl_set(row, "NAME", u->a.name);
	tpl_set(row, "ROLE", u->a.admin ? "admin" : "customer");
	tpl_set(row, "CREATED", util_iso8601(u->a.created, created,
	    sizeof(created)));
	tpl_set_int(row, "DOMAINS", u->domains);
	tpl_set(row, "EMAIL", u->a.email);
	tpl_set(row, "STATE", u->a.disabled ? "disabled" : "active");
	tpl_set_int(row, "PAGE", page);
	if (u->a.id == r->sess.a.id)
		tpl_show(row, "SELF");
	else
		tpl_show(row, u->a.disabled ? "ENABLE" : "DISABLE");
	if (u->a.disabled)
		tpl_show(row, "IS_DISABLED");
}

static void
admin_add_fill(struct tpl *d, const struct admin_add *add)
{
	if (add == NULL)
		return;
	if (add->open)
		tpl_show(d, "ADD_OPEN");
	if (add->error[0] != '\0')
		tpl_set(tpl_section(d, "ADD_ERROR"), "ERR", add->error);
	tpl_set(d, "ADD_NAME", add->vals[ADD_NAME]);
	tpl_set(d, "ADD_EMAIL", add->vals[ADD_EMAIL]);
	if (strcmp(add->vals[ADD_ROLE], "admin") == 0)
		tpl_show(d, "ROLE_ADMIN");
	account_field_error(d, "NAME_ERR", add->errs[ADD_NAME]);
	account_field_error(d, "ROLE_ERR", add->errs[ADD_ROLE]);
	account_field_error(d, "EMAIL_ERR", add->errs[ADD_EMAIL]);
	account_field_error(d, "PW_ERR", add->pw_err);
}

/* The users page; notice is a success line, error a failure line. */
static void
admin_users_render(struct req *r, struct db *db, int64_t page,
    const struct admin_add *add, const char *notice, const char *error,
    int status)
{
	struct account_row *list;
	struct actor who;
	struct page_view v;
	struct tpl *t;
	size_t n, i;

	sess_actor(r, &who);
	if (account_list(db, &who, (page - 1) * ADMIN_PAGE_SIZE,
	    ADMIN_PAGE_SIZE + 1, &list, &n) != STORE_OK) {
		page_error(r, 503, NULL);
		return;
	}
	if (page_begin(r, &v, "Users", "admin_users.tpl") == -1) {
		account_list_free(list);
		page_error(r, 500, NULL);
		return;
	}
	if (notice != NULL)
		tpl_set(tpl_section(v.content, "NOTICE"), "MESSAGE", notice);
	if (error != NULL)
		tpl_set(tpl_section(v.content, "ERROR"), "MESSAGE", error);
	admin_add_fill(v.content, add);
	tpl_set_int(v.content, "PW_MIN", AUTH_PASSWORD_MIN);
	if (n > 0) {
		t = tpl_section(v.content, "LIST");
		for (i = 0; i < n && i < ADMIN_PAGE_SIZE; i++)
			admin_user_row(r, t, &list[i], page);
	} else
		tpl_show(v.content, "EMPTY");
	admin_paging(v.content, page, n > ADMIN_PAGE_SIZE);
	account_list_free(list);
	page_finish(r, &v, status);
}

/* The success line of ?done=...&user=... after a redirect, or NULL. */
static const char *
admin_users_notice(struct req *r, char *buf, size_t bufsz)
{
	char done[16], user[ACCOUNT_NAME_MAX + 1], err[VALID_ERR_MAX];
	const char *what;

	(void)http_query(r, "done", done, sizeof(done));
	(void)http_query(r, "user", user, sizeof(user));
	if (strcmp(done, "created") == 0)
		what = "was created";
	else if (strcmp(done, "disabled") == 0)
		what = "was disabled and signed out";
	else if (strcmp(done, "enabled") == 0)
		what = "was enabled";
	else
		return NULL;
	if (account_valid_name(user, err) == -1)
		return NULL;
	snprintf(buf, bufsz, "User %s %s.", user, what);
	return buf;
}

/* The created account's page, with a generated password shown once. */
static void
admin_created(struct req *r, const char *name, const char *role,
    const char *pw)
{
	struct page_view v;

	if (page_begin(r, &v, "User created", "admin_created.tpl") == -1) {
		page_error(r, 500, NULL);
		return;
	}
	tpl_set(v.content, "NAME", name);
	tpl_set(v.content, "ROLE", role);
	tpl_set(v.content, "PASSWORD", pw);
	page_finish(r, &v, 200);
}

/* The password field: typed (checked) or, when empty, made here. */
static int
admin_add_password(const struct form *f, char *pw, size_t pwsz,
    struct admin_add *add, int *generated)
{
	const char *typed = form_get(f, "password");

	*generated = typed == NULL || *typed == '\0';
	if (*generated)
		return auth_random_token(pw, pwsz, 15);
	if (auth_password_ok(typed, add->pw_err, sizeof(add->pw_err)) == -1)
		return -1;
	util_strlcpy(pw, typed, pwsz);
	return 0;
}

/* Create the account: STORE_OK, STORE_ERROR (logged), or another
 * refusal with add filled for the re-render. */
static int
admin_add_store(struct req *r, struct db *db, const char *pw,
    struct admin_add *add)
{
	const char *email = add->vals[ADD_EMAIL];
	struct actor who;
	int rc;

	sess_actor(r, &who);
	rc = account_create(db, &who, add->vals[ADD_NAME],
	    strcmp(add->vals[ADD_ROLE], "admin") == 0, pw,
	    email[0] != '\0' ? email : NULL, NULL);
	if (rc == STORE_EXISTS)
		snprintf(add->errs[ADD_NAME], VALID_ERR_MAX, "there is already "
		    "a user of this name");
	else if (rc == STORE_INVALID)
		util_strlcpy(add->error, db_error(db), sizeof(add->error));
	else if (rc != STORE_OK)
		log_event(LOG_ERR, r->id, "account_create %s: %s",
		    add->vals[ADD_NAME], db_error(db));
	return rc;
}

static void
admin_users_post(struct req *r, struct db *db)
{
	char pw[AUTH_PASSWORD_MAX + 1];
	struct admin_add add;
	struct form f;
	int generated, rc = STORE_INVALID;
	char loc[128];

	if (sess_post(r, &f) == -1)
		return;
	memset(&add, 0, sizeof(add));
	add.open = 1;
	if (form_check(&f, admin_add_keys, ADD_NKEYS, add.vals, add.errs) +
	    (admin_add_password(&f, pw, sizeof(pw), &add, &generated) == -1)
	    == 0)
		rc = admin_add_store(r, db, pw, &add);
	form_free(&f);
	if (rc == STORE_OK && generated)
		admin_created(r, add.vals[ADD_NAME], add.vals[ADD_ROLE], pw);
	else if (rc == STORE_OK) {
		snprintf(loc, sizeof(loc), "/admin/users?done=created&user=%s",
		    add.vals[ADD_NAME]);
		http_redirect(r, loc);
	} else if (rc == STORE_ERROR)
		page_error(r, 503, NULL);
	else
		admin_users_render(r, db, 1, &add, NULL, "The user was not "
		    "created: see the form.", 200);
	memset(pw, 0, sizeof(pw));
}

static void
admin_users(struct req *r)
{
	char buf[160];
	struct db *db;
	int64_t page;

	if (admin_begin(r, HTTP_GET | HTTP_POST) == -1 ||
	    (db = account_db(r)) == NULL)
		return;
	if (r->method == HTTP_POST) {
		admin_users_post(r, db);
		return;
	}
	if ((page = admin_page_arg(r)) == -1)
		return;
	admin_users_render(r, db, page, NULL, admin_users_notice(r, buf,
	    sizeof(buf)), NULL, 200);
}

/* POST /admin/users/disable and /enable: name=..., page= to return to. */
static void
admin_set_disabled(struct req *r, int disabled)
{
	char err[VALID_ERR_MAX], name[ACCOUNT_NAME_MAX], loc[200];
	const char *n;
	struct actor who;
	struct form f;
	struct db *db;
	int64_t page;
	int rc;

	if (admin_begin(r, HTTP_POST) == -1 || (db = account_db(r)) == NULL ||
	    sess_post(r, &f) == -1)
		return;
	n = form_get(&f, "name");
	if ((page = admin_page_num(form_get(&f, "page"))) == 0)
		page = 1;
	rc = n == NULL || account_valid_name(n, err) == -1 ? STORE_NOTFOUND :
	    STORE_OK;
	if (rc == STORE_OK) {
		util_strlcpy(name, n, sizeof(name));
		sess_actor(r, &who);
		rc = account_set_disabled(db, &who, name, disabled);
	}
	form_free(&f);
	if (rc == STORE_OK) {
		snprintf(loc, sizeof(loc), "/admin/users?page=%lld&done=%s"
		    "&user=%s", (long long)page, disabled ? "disabled" : "enabled", name);
		http_redirect(r, loc);
	} else if (rc == STORE_NOTFOUND)
		page_error(r, 404, "There is no such user.");
	else if (rc == STORE_INVALID)
		admin_users_render(r, db, page, NULL, NULL, db_error(db), 200);
	else
		page_error(r, 503, NULL);
}

static void
admin_disable(struct req *r)
{
	admin_set_disabled(r, 1);
}

static void
admin_enable(struct req *r)
{
	admin_set_disabled(r, 0);
}

/* --- /admin/audit ----------------------------------------------------- */

static void
admin_audit_row(struct tpl *list, const struct audit_entry *e)
{
	struct tpl *row = tpl_section(list, "ENTRY");
	char at[ISO_MAX];

	tpl_set(row, "AT", util_iso8601(e->at, at, sizeof(at)));
	tpl_set(row, "ACTOR", e->actor);
	tpl_set(row, "CLIENT", e->client);
	tpl_set(row, "ACTION", e->action);
	tpl_set(row, "OBJECT", e->object);
	tpl_set(row, "DETAIL", e->detail);
}

static void
admin_audit(struct req *r)
{
	struct audit_entry *list;
	struct page_view v;
	struct actor who;
	struct db *db;
	struct tpl *t;
	int64_t page;
	size_t n, i;

	if (admin_begin(r, HTTP_GET) == -1 || (db = account_db(r)) == NULL ||
	    (page = admin_page_arg(r)) == -1)
		return;
	sess_actor(r, &who);
	if (audit_list(db, &who, (page - 1) * ADMIN_PAGE_SIZE,
	    ADMIN_PAGE_SIZE + 1, &list, &n) != STORE_OK) {
		page_error(r, 503, NULL);
		return;
	}
	if (page_begin(r, &v, "Audit log", "admin_audit.tpl") == -1) {
		free(list);
		page_error(r, 500, NULL);
		return;
	}
	if (n > 0) {
		t = tpl_section(v.content, "LIST");
		for (i = 0; i < n && i < ADMIN_PAGE_SIZE; i++)
			admin_audit_row(t, &list[i]);
	} else
		tpl_show(v.content, "EMPTY");
	admin_paging(v.content, page, n > ADMIN_PAGE_SIZE);
	free(list);
	page_finish(r, &v, 200);
}
