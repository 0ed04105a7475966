/*
 * page_login — GET /login: the sign-in form.
 *
 * The form posts to /login with a fresh CSRF token (csrf.h).  Signing in
 * itself (POST /login) arrives with accounts and sessions; until then the
 * route table answers that POST with 405.
 */
#include "csrf.h"
#include "page.h"

void
page_login_get(struct req *r)
{
	char token[CSRF_TOKEN_MAX];
	struct page_view v;

	if (page_begin(&v, "Sign in", "login.tpl") == -1) {
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
	page_finish(r, &v, 200);
}
