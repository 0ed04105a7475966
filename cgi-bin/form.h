/*
 * form — the fields of a request: application/x-www-form-urlencoded
 * (query strings and POST bodies) and multipart/form-data (uploads).
 *
 * form_parse() cuts a copy of the input into NUL-terminated fields; a
 * field may appear more than once (form_get() returns the first,
 * form_next() walks the rest).  Multipart parts carry their file name.
 * Field names and values are raw user input: handlers check them through
 * a declared table (struct form_key) before they use them.
 *
 * Errors: form_parse() returns 0, or -1 for malformed input (bad
 * percent-escape, broken multipart framing, too many fields), with the
 * form left empty.  Memory: the struct form owns its copy; form_free().
 */
#ifndef BMX_FORM_H
#define BMX_FORM_H

#include <stddef.h>

#include "valid.h"

#define FORM_FIELDS_MAX 256

struct form_field {
	const char	*name;
	const char	*value;		/* NUL-terminated; may hold NULs in
					   an upload: use len */
	size_t		 len;
	const char	*filename;	/* multipart file parts, else NULL */
};

struct form {
	struct form_field f[FORM_FIELDS_MAX];
	size_t		  n;
	char		 *buf;
};

/* Parse data (len octets) of the given Content-Type ("" or NULL means
 * urlencoded). */
int		 form_parse(struct form *, const char *data, size_t len,
		    const char *content_type);
void		 form_free(struct form *);
const char	*form_get(const struct form *, const char *name);
/* The next field named name after *i (start with *i = 0); NULL at the end. */
const struct form_field *form_next(const struct form *, const char *name,
		    size_t *i);

/*
 * Declared keys: each names its validator.  form_check() runs every key,
 * copies the normalised value into vals[k] (caller's buffers of
 * FORM_VALUE_MAX) and the reason into errs[k] ("" when good).  Returns
 * the number of fields in error.
 */
#define FORM_VALUE_MAX 1024

struct form_key {
	const char	*name;
	int		 required;
	/* NULL: any text up to FORM_VALUE_MAX-1 octets without controls */
	int		(*valid)(const char *in, char *out, size_t outsz,
			    char *err);
};

int		 form_check(const struct form *, const struct form_key *keys,
		    size_t nkeys, char (*vals)[FORM_VALUE_MAX],
		    char (*errs)[VALID_ERR_MAX]);

/* Ready-made validators for form_key. */
int	form_v_domain(const char *in, char *out, size_t outsz, char *err);
int	form_v_hostport(const char *in, char *out, size_t outsz, char *err);
int	form_v_int(const char *in, char *out, size_t outsz, char *err);
int	form_v_bool(const char *in, char *out, size_t outsz, char *err);

#endif
