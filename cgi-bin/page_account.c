/*
 * page_account — the account pages of the panel.
 */
#include "page.h"

const struct page_route page_account_routes[] = {
	{ NULL, 0, NULL }
};
