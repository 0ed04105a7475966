/*
 * page_health — GET /healthz for monitors and the test suite.
 *
 * 200 "ok" when this worker can read the database (a PRAGMA read of the
 * schema version through core/db.c); 503 otherwise.  Plain text, so a
 * monitor needs no HTML parser, and never cached (http_send).
 */
#include "db.h"
#include "page.h"
#include "worker.h"

void
page_health_get(struct req *r)
{
	struct db *db = worker_db(r->worker);

	if (db == NULL || db_check_version(db) == -1) {
		http_text(r, 503, "database unavailable\n");
		return;
	}
	http_text(r, 200, "ok\n");
}
