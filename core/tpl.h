/*
 * tpl — a C face for Google ctemplate (the threaded libctemplate).
 *
 * A page is a dictionary tree: set values, show sections, add section
 * rows and include dictionaries, then expand a template file (relative to
 * the root set with tpl_init) into a malloc'd string.  Every template
 * starts with {{%AUTOESCAPE context="HTML"}}: values are escaped for the
 * place they are inserted; a raw insert must be spelled out in the
 * template and is a reviewed exception.
 *
 * Errors: tpl_expand() returns NULL when the template is missing or bad
 * (ctemplate also logs the reason to stderr).  No function throws: the
 * shim catches every C++ exception.
 * Memory: section and include dictionaries belong to their parent; free
 * only the top one with tpl_free().  A dictionary is used by one thread.
 */
#ifndef BMX_TPL_H
#define BMX_TPL_H

#ifdef __cplusplus
extern "C" {
#endif

struct tpl;

/* Set the template root directory; call once at start-up. 0 or -1. */
int		 tpl_init(const char *root);
/* Drop cached templates that changed on disk (development, SIGHUP). */
void		 tpl_reload(void);

struct tpl	*tpl_new(const char *name);
void		 tpl_free(struct tpl *);
void		 tpl_set(struct tpl *, const char *key, const char *value);
void		 tpl_set_int(struct tpl *, const char *key, long long value);
void		 tpl_show(struct tpl *, const char *section);
/* A new row of a repeated section; owned by d. */
struct tpl	*tpl_section(struct tpl *d, const char *section);
/* An include ({{>NAME}}) expanding file with the returned dictionary. */
struct tpl	*tpl_include(struct tpl *d, const char *name, const char *file);
/* Expand file with d; a malloc'd string (caller frees) or NULL. */
char		*tpl_expand(const char *file, struct tpl *d);

#ifdef __cplusplus
}
#endif

#endif
