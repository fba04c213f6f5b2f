/* bk_lxml: MJCF rewriting on libxml2 trees, as robosuite's model merging does it.
 *
 * Files are read with their `file` attributes made absolute (relative to the file's own
 * folder), names get a per-instance prefix (references too), and one model's sections are
 * merged into another's, assets first-name-wins (robosuite's merge_assets, which is how a
 * texture name repeated inside flat_stove.xml is resolved). */
#ifndef BK_SIM_LIBERO_XML_H
#define BK_SIM_LIBERO_XML_H

#include <libxml/tree.h>

/* Reads an MJCF file; file attributes become absolute paths. NULL with err filled
 * ("<path>: <why>"). Free with xmlFreeDoc. */
xmlDocPtr bk_lxml_read(const char* path, char* err, int err_sz);

/* Prefixes `name` and every reference attribute (joint, geom, body, site, mesh, material,
 * texture, ...) in the subtree of node with prefix. */
void bk_lxml_prefix(xmlNodePtr node, const char* prefix);

/* The first child element of node named tag, or NULL; bk_lxml_section creates it under the
 * root when missing. */
xmlNodePtr bk_lxml_child(xmlNodePtr node, const char* tag);
xmlNodePtr bk_lxml_section(xmlDocPtr doc, const char* tag);

/* The first element of the subtree (depth-first) with tag and name attribute; tag or name
 * may be NULL for any. */
xmlNodePtr bk_lxml_find(xmlNodePtr node, const char* tag, const char* name);

/* Copies the asset children of src into dst's <asset>, skipping those whose (tag, name)
 * dst already has. */
void bk_lxml_merge_assets(xmlDocPtr dst, xmlNodePtr src_asset);

/* Copies all element children of src into dst (same section in two models). */
void bk_lxml_move_children(xmlNodePtr dst, xmlNodePtr src);

/* Sets an attribute from numbers: "%.17g %.17g ...". */
void bk_lxml_set_vec(xmlNodePtr node, const char* attr, const double* v, int n);

/* Serialises doc into a heap string (NULL on failure). */
char* bk_lxml_dump(xmlDocPtr doc);

#endif
