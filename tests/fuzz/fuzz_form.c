/*
 * fuzz_form — libFuzzer target for cgi-bin/form.c.  Input: a
 * Content-Type line, LF, then the request body (urlencoded or
 * multipart/form-data, as the line says).  After a successful parse
 * every field must lie inside the form's own copy, values must be
 * NUL-terminated at their length, and form_check() runs a key table
 * with every ready-made validator over the result.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"

static const struct form_key fuzz_keys[] = {
	{ "domain", 1, form_v_domain },
	{ "host", 0, form_v_hostport },
	{ "n", 0, form_v_int },
	{ "on", 0, form_v_bool },
	{ "text", 0, NULL },
	{ "csrf", 1, NULL },
};
#define FUZZ_NKEYS (sizeof(fuzz_keys) / sizeof(fuzz_keys[0]))

static void
fuzz_fields(const struct form *f)
{
	char vals[FUZZ_NKEYS][FORM_VALUE_MAX], errs[FUZZ_NKEYS][VALID_ERR_MAX];
	const struct form_field *ff;
	size_t i, j, bad;

	assert(f->n <= FORM_FIELDS_MAX);
	for (i = 0; i < f->n; i++) {
		assert(f->f[i].name != NULL && f->f[i].value != NULL);
		assert(f->f[i].value[f->f[i].len] == '\0');
		(void)strlen(f->f[i].name);
		if (f->f[i].filename != NULL)
			(void)strlen(f->f[i].filename);
		assert(form_get(f, f->f[i].name) != NULL);
	}
	j = 0;
	while ((ff = form_next(f, "text", &j)) != NULL)
		assert(strcmp(ff->name, "text") == 0);
	bad = (size_t)form_check(f, fuzz_keys, FUZZ_NKEYS, vals, errs);
	assert(bad <= FUZZ_NKEYS);
	for (i = 0; i < FUZZ_NKEYS; i++) {
		assert(memchr(vals[i], '\0', FORM_VALUE_MAX) != NULL);
		assert(memchr(errs[i], '\0', VALID_ERR_MAX) != NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form *f;
	const uint8_t *nl = memchr(data, '\n', size);
	char *ct = NULL, *body;
	size_t clen, blen;

	if (nl == NULL)
		return 0;
	clen = (size_t)(nl - data);
	blen = size - clen - 1;
	/* Separate heap blocks, so ASan sees any read past either. */
	ct = malloc(clen + 1);
	body = malloc(blen ? blen : 1);
	f = calloc(1, sizeof(*f));
	assert(ct != NULL && body != NULL && f != NULL);
	memcpy(ct, data, clen);
	ct[clen] = '\0';
	memcpy(body, nl + 1, blen);
	if (form_parse(f, body, blen, ct) == 0)
		fuzz_fields(f);
	else
		assert(f->n == 0);
	form_free(f);
	free(f);
	free(body);
	free(ct);
	return 0;
}
