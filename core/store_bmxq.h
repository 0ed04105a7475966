/*
 * store_bmxq — the AutoDNS Query (filters, view, orders) over BackupMX
 * records, translated to SQL: the API's list task and its bulk delete
 * by query.
 *
 * A filter names a key from a fixed table (bmxq_keys: the API's name,
 * the column, its type), an operator and one value (several for IN and
 * NOT_IN); a filter may hold sub-filters, and then stands for their
 * group (AND'ed with its own condition when it has a key too).  Sibling
 * filters are joined left to right, each to what precedes it by its own
 * link (AND when absent).  '*' in a LIKE value is any run of characters;
 * without a '*' LIKE is an exact match.  LIKE and ILIKE are the same:
 * every text key is stored in lower case and the value is folded too.
 * Dates (created, updated) take any form adate_parse() reads.
 *
 * Only column names from the table and fixed operator texts become SQL;
 * every value is a bound parameter.  The actor's scope (a customer: only
 * its own records) is always AND'ed in front.
 *
 * Errors: STORE_* codes; STORE_INVALID for a bad query, with the reason
 * (naming the key or operator) in db->err, or in err for bmxq_sql().
 * Memory: a query's filter arrays and value arrays are the caller's;
 * bmxq_filters_free() frees such a tree built with malloc (the strings
 * are never freed: they belong to the parsed request).
 */
#ifndef BMX_STORE_BMXQ_H
#define BMX_STORE_BMXQ_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "store_bmx.h"
#include "util.h"

#define BMXQ_DEPTH_MAX	8	/* nesting of sub-filters */
#define BMXQ_FILTERS_MAX 64	/* filters in one query, all levels */
#define BMXQ_VALUES_MAX	100	/* values of one IN */
#define BMXQ_VALUE_MAX	255	/* octets of one value */
#define BMXQ_ORDERS_MAX	5
#define BMXQ_LIMIT_MAX	1000	/* and the default limit */
#define BMXQ_PARAMS_MAX	1000	/* bound values in one query */
#define BMXQ_ERR_MAX	256

enum bmxq_op {
	BMXQ_EQUAL, BMXQ_NOT_EQUAL, BMXQ_LIKE, BMXQ_NOT_LIKE, BMXQ_ILIKE,
	BMXQ_GREATER, BMXQ_GREATER_EQUAL, BMXQ_LESS, BMXQ_LESS_EQUAL,
	BMXQ_NOT_LESS, BMXQ_NOT_GREATER, BMXQ_NOT_LESS_EQUAL,
	BMXQ_NOT_GREATER_EQUAL, BMXQ_IN, BMXQ_NOT_IN, BMXQ_IS_NULL,
	BMXQ_IS_NOT_NULL,
	BMXQ_NOP		/* no operator given */
};

enum bmxq_link { BMXQ_AND, BMXQ_OR };

struct bmxq_filter {
	const char	*key;		/* NULL: only a group of sub-filters */
	enum bmxq_op	 op;
	const char	*value;		/* NULL when absent */
	const char	**values;	/* for IN / NOT_IN (value also counts) */
	size_t		 nvalues;
	enum bmxq_link	 link;		/* to the filters before it */
	struct bmxq_filter *sub;
	size_t		 nsub;
};

struct bmxq_order {
	const char	*key;
	int		 desc;
};

struct bmxq {
	const struct bmxq_filter *filters;
	size_t		 nfilters;
	const struct bmxq_order *orders;
	size_t		 norders;
	int64_t		 limit;		/* 0: BMXQ_LIMIT_MAX */
	int64_t		 offset;
};

/* The operator of an AutoDNS name ("EQUAL", "like"; also the XML
 * gateway's "eq", "ne", "lt", "le", "gt", "ge"); -1 when unknown. */
int	bmxq_op_parse(const char *name);
/* Is key a name filters and orders accept? */
int	bmxq_key_known(const char *key);

/* One bound parameter of a translated query. */
struct bmxq_param {
	int		 is_int;
	int64_t		 i;
	char		*s;		/* malloc'd, owned by the bmxq_sql */
};

struct bmxq_sql {
	struct sbuf	 where;		/* " WHERE ..." */
	struct sbuf	 order;		/* " ORDER BY ..." */
	struct bmxq_param *params;	/* in order of the '?'s */
	size_t		 nparams;
};

/* Translate q for who; 0, or -1 with the reason in err (BMXQ_ERR_MAX).
 * Free with bmxq_sql_free() either way. */
int	bmxq_translate(const struct actor *who, const struct bmxq *q,
	    struct bmxq_sql *out, char *err);
void	bmxq_sql_free(struct bmxq_sql *);

/* The records matching q (at most its limit, from its offset) and how
 * many match in all; rows as bmx_search() gives them. */
int	bmxq_search(struct db *, const struct actor *, const struct bmxq *q,
	    struct bmx_row **rows, size_t *n, int64_t *total);

/* Free a filter tree built with malloc (sub and values arrays). */
void	bmxq_filters_free(struct bmxq_filter *, size_t n);

#endif
