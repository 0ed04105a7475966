/*
 * api_parse — reading the API's requests, apart from answering them:
 * the JSON bodies of /v1 (jansson) and the XML documents of /gateway
 * (libxml2), up to the point where an account or the database would be
 * needed.  api_json.c and api_xml.c call these; so does the fuzzing
 * (tests/fuzz/fuzz_api_json.c, fuzz_api_xml.c).
 *
 * Errors: 0, or -1 with a user-facing reason in err (APIJ_ERR /
 * APIX_ERR octets); the caller turns it into the API's 400 answer.
 * Memory: strings handed out point into the parsed document (JSON) or
 * into the pool (XML), which the caller keeps until it is done with
 * them; arrays the parse allocates are freed with the *_free()
 * functions named beside them.
 */
#ifndef BMX_API_PARSE_H
#define BMX_API_PARSE_H

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "api.h"

/* --- JSON ----------------------------------------------------------- */

#define APIJ_ERR	300

/* A Query object, as a struct bmxq with the arrays it owns. */
struct apij_query {
	struct bmxq		 q;
	struct bmxq_filter	*filters;
	size_t			 nfilters;
	struct bmxq_order	*orders;
};

/* A request body as a JSON object (duplicate keys refused); an empty
 * body is an empty object when empty_ok.  NULL with err. */
json_t	*apij_load(const char *buf, size_t len, int empty_ok, char *err);
/* An optional string member (*out NULL when absent or null). */
int	 apij_str(json_t *o, const char *name, const char **out,
	    const char *path, char *err);
/* A Query object into aq; free with apij_query_free() either way. */
int	 apij_query(json_t *j, struct apij_query *aq, char *err);
void	 apij_query_free(struct apij_query *aq);
/* The extension fields of a create object over x's. */
int	 apij_ext(json_t *o, struct api_ext *x, char *err);
/* The domains of a bulk body's "objects" (*names malloc'd, the caller
 * frees it either way); -1 with err, -2 when out of memory. */
int	 apij_domains(json_t *j, const char ***names, size_t *n, char *err);

/* --- XML ------------------------------------------------------------ */

#define APIX_ERR	300
#define APIX_TEXT_MAX	1024	/* octets of one element's text */
#define APIX_STRINGS	1024	/* texts taken from one request */

/* Texts taken from the document, freed together. */
struct apix_pool {
	xmlChar	*s[APIX_STRINGS];
	size_t	 n;
};

/* The request's parts before sign-in; NULL when absent. */
struct apix_head {
	const char	*code, *ctid, *user, *pw, *context;
	enum api_task	 task;		/* API_T_NONE: no known code */
};

/* A create, delete or info task's <backupmx>. */
struct apix_item {
	const char	*domain;
	struct api_ext	 x;
};

/* A list task (0524 without <backupmx>). */
struct apix_list {
	struct bmxq		 q;
	struct bmxq_filter	*where;	/* bmxq_filters_free(where, !!where) */
	struct bmxq_order	 orders[BMXQ_ORDERS_MAX];
	unsigned		 keys;
};

/* Parse buf as the gateway does: no network, no entities, a DOCTYPE
 * refused.  NULL with err; free with xmlFreeDoc(). */
xmlDocPtr apix_parse(const char *buf, size_t len, char *err);
void	 apix_pool_free(struct apix_pool *p);
int	 apix_is(const xmlNode *n, const char *name);
xmlNode	*apix_child(const xmlNode *n, const char *name);
int	 apix_text(struct apix_pool *p, const xmlNode *n, const char **out,
	    char *err);
int	 apix_child_text(struct apix_pool *p, const xmlNode *n,
	    const char *name, const char **out, char *err);
int	 apix_head_parse(struct apix_pool *p, const xmlNode *root,
	    struct apix_head *h, char *err);
int	 apix_item_parse(struct apix_pool *p, const xmlNode *task,
	    struct apix_item *it, char *err);
int	 apix_list_parse(struct apix_pool *p, const xmlNode *task,
	    struct apix_list *l, char *err);

#endif
