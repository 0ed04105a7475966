/*
 * fuzz_api_json — libFuzzer target for the JSON API's request reading
 * (cgi-bin/api_parse.c, as cgi-bin/api_json.c calls it) and the Query's
 * translation to SQL (core/store_bmxq.c).  Input: a JSON body.  It is
 * loaded as the API loads it, then read every way a route reads a body:
 * as a Query (list, and a bulk delete's "query"), as a create object
 * with its extension fields, as a bulk body's objects.
 *
 * Oracle beyond the sanitizers: a refusal always carries a message; an
 * accepted Query translates for a customer and for an admin, or is
 * refused with a message; a translated query is SQL that SQLite
 * prepares against the real schema (an in-memory database migrated
 * with db_migrate), with exactly one '?' per bound value, and no value
 * of the query ever appears in the SQL text.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api_parse.h"
#include "db.h"

static struct db *fuzz_db;

int LLVMFuzzerInitialize(int *, char ***);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[DB_ERR_MAX];

	(void)argc;
	(void)argv;
	json_object_seed(1);
	fuzz_db = db_open(":memory:", 1, err);
	assert(fuzz_db != NULL);
	assert(db_migrate(fuzz_db, db_schema_version()) == 0);
	return 0;
}

/* The translated query must prepare, with one '?' per parameter. */
static void
fuzz_prepare(const struct bmxq_sql *s)
{
	static const char head[] = "SELECT count(*) FROM backupmx b JOIN "
	    "account o ON o.id = b.owner_id LEFT JOIN account u ON u.id = "
	    "b.updater_id";
	sqlite3_stmt *st = NULL;
	char *sql;
	size_t len = sizeof(head) + s->where.len + s->order.len;

	sql = malloc(len);
	assert(sql != NULL);
	memcpy(sql, head, sizeof(head) - 1);
	memcpy(sql + sizeof(head) - 1, s->where.buf, s->where.len);
	memcpy(sql + sizeof(head) - 1 + s->where.len, s->order.buf,
	    s->order.len);
	sql[len - 1] = '\0';
	if (sqlite3_prepare_v2(fuzz_db->h, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "SQL refused: %s\n%s\n",
		    sqlite3_errmsg(fuzz_db->h), sql);
		abort();
	}
	assert(sqlite3_bind_parameter_count(st) == (int)s->nparams);
	sqlite3_finalize(st);
	free(sql);
}

/* No filter value may reach the SQL text (values are bound). */
static void
fuzz_no_values(const struct bmxq_filter *f, size_t n, const char *sql)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (f[i].value != NULL && strlen(f[i].value) > 12)
			assert(strstr(sql, f[i].value) == NULL);
		for (k = 0; k < f[i].nvalues; k++)
			if (f[i].values[k] != NULL &&
			    strlen(f[i].values[k]) > 12)
				assert(strstr(sql, f[i].values[k]) == NULL);
		fuzz_no_values(f[i].sub, f[i].nsub, sql);
	}
}

static void
fuzz_translate(const struct apij_query *aq, int admin)
{
	struct actor who = { 7, "fuzz", "192.0.2.1", admin };
	struct bmxq_sql s;
	char err[BMXQ_ERR_MAX];

	if (bmxq_translate(&who, &aq->q, &s, err) == 0) {
		assert(s.where.buf != NULL && s.order.buf != NULL);
		assert(strlen(s.where.buf) == s.where.len);
		fuzz_no_values(aq->filters, aq->nfilters, s.where.buf);
		fuzz_prepare(&s);
	} else
		assert(err[0] != '\0' && memchr(err, '\0', BMXQ_ERR_MAX));
	bmxq_sql_free(&s);
}

static void
fuzz_query(json_t *j)
{
	struct apij_query aq;
	char err[APIJ_ERR];

	err[0] = '\0';
	if (apij_query(j, &aq, err) == 0) {
		fuzz_translate(&aq, 0);
		fuzz_translate(&aq, 1);
	} else
		assert(err[0] != '\0' && memchr(err, '\0', APIJ_ERR));
	apij_query_free(&aq);
}

static void
fuzz_bodies(json_t *j)
{
	struct api_ext x = { NULL, -1 };
	const char **names = NULL, *domain;
	char err[APIJ_ERR];
	size_t n = 0, i;
	int rc;

	err[0] = '\0';
	if (apij_str(j, "domain", &domain, "", err) == -1)
		assert(err[0] != '\0');
	err[0] = '\0';
	if (apij_ext(j, &x, err) == -1)
		assert(err[0] != '\0');
	else
		assert(x.only_when_down >= -1 && x.only_when_down <= 1);
	err[0] = '\0';
	rc = apij_domains(j, &names, &n, err);
	if (rc == 0) {
		assert(n >= 1 && n <= API_BULK_MAX);
		for (i = 0; i < n; i++)
			assert(names[i] != NULL);
		for (i = 0; i < n; i++) {	/* as a bulk create reads them */
			x.only_when_down = -1;
			err[0] = '\0';
			if (apij_ext(json_array_get(json_object_get(j,
			    "objects"), i), &x, err) == -1)
				assert(err[0] != '\0');
		}
	} else
		assert(err[0] != '\0');
	free(names);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[APIJ_ERR], *buf;
	json_t *j, *q;

	/* Its own heap block, so ASan sees any read past the body. */
	if ((buf = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	err[0] = '\0';
	j = apij_load(buf, size, 1, err);
	if (j == NULL) {
		assert(err[0] != '\0' && memchr(err, '\0', APIJ_ERR));
		free(buf);
		return 0;
	}
	assert(json_is_object(j));
	fuzz_query(j);
	if ((q = json_object_get(j, "query")) != NULL)
		fuzz_query(q);
	fuzz_bodies(j);
	json_decref(j);
	free(buf);
	return 0;
}
