#include "sim/libero_xml.h"

#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

/* attributes holding names: prefixed together so references stay intact */
static const char* const kNamed[] = {
  "name", "material", "texture", "mesh", "joint", "joint1", "joint2", "geom", "geom1",
  "geom2", "body", "body1", "body2", "site", "tendon", "actuator", "objname", "target",
  "hfield", "class", "childclass", NULL,
};

static int is_elem(xmlNodePtr n, const char* tag) {
  return n->type == XML_ELEMENT_NODE && (!tag || xmlStrcmp(n->name, BAD_CAST tag) == 0);
}

// file="x" -> file="<dir>/x" for every element below node
static void absolute_files(xmlNodePtr node, const char* dir) {
  for (xmlNodePtr c = node; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    xmlChar* f = xmlGetProp(c, BAD_CAST "file");
    if (f && f[0] != '/') {
      char path[2048];
      const char* rel = (const char*)f;
      while (rel[0] == '.' && rel[1] == '/') rel += 2;
      snprintf(path, sizeof path, "%s/%s", dir, rel);
      xmlSetProp(c, BAD_CAST "file", BAD_CAST path);
    }
    xmlFree(f);
    absolute_files(c->children, dir);
  }
}

xmlDocPtr bk_lxml_read(const char* path, char* err, int err_sz) {
  FILE* f = fopen(path, "rb");
  if (!f) {
    bk_fail(err, err_sz, BK_ENOENT, "%s: missing (incomplete installation?)", path);
    return NULL;
  }
  fclose(f);
  xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
  if (!doc || !xmlDocGetRootElement(doc)) {
    const xmlError* e = xmlGetLastError();
    bk_fail(err, err_sz, BK_EPARSE, "%s:%d: %s", path, e ? e->line : 0,
            e && e->message ? e->message : "not XML");
    if (doc) xmlFreeDoc(doc);
    return NULL;
  }
  char dir[2048];
  snprintf(dir, sizeof dir, "%s", path);
  char* slash = strrchr(dir, '/');
  if (slash) *slash = '\0'; else snprintf(dir, sizeof dir, ".");
  absolute_files(xmlDocGetRootElement(doc)->children, dir);
  return doc;
}

void bk_lxml_prefix(xmlNodePtr node, const char* prefix) {
  if (!is_elem(node, NULL)) return;
  for (int i = 0; kNamed[i]; i++) {
    xmlChar* v = xmlGetProp(node, BAD_CAST kNamed[i]);
    if (v && v[0]) {
      char buf[512];
      snprintf(buf, sizeof buf, "%s%s", prefix, (const char*)v);
      xmlSetProp(node, BAD_CAST kNamed[i], BAD_CAST buf);
    }
    xmlFree(v);
  }
  for (xmlNodePtr c = node->children; c; c = c->next) bk_lxml_prefix(c, prefix);
}

xmlNodePtr bk_lxml_child(xmlNodePtr node, const char* tag) {
  for (xmlNodePtr c = node ? node->children : NULL; c; c = c->next) {
    if (is_elem(c, tag)) return c;
  }
  return NULL;
}

xmlNodePtr bk_lxml_section(xmlDocPtr doc, const char* tag) {
  xmlNodePtr root = xmlDocGetRootElement(doc);
  xmlNodePtr s = bk_lxml_child(root, tag);
  return s ? s : xmlNewChild(root, NULL, BAD_CAST tag, NULL);
}

xmlNodePtr bk_lxml_find(xmlNodePtr node, const char* tag, const char* name) {
  for (xmlNodePtr c = node; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (is_elem(c, tag)) {
      if (!name) return c;
      xmlChar* v = xmlGetProp(c, BAD_CAST "name");
      int hit = v && strcmp((const char*)v, name) == 0;
      xmlFree(v);
      if (hit) return c;
    }
    xmlNodePtr r = bk_lxml_find(c->children, tag, name);
    if (r) return r;
  }
  return NULL;
}

// dst's <asset> has an element of this tag and name
static int has_asset(xmlNodePtr asset, const xmlChar* tag, const xmlChar* name) {
  if (!name) return 0;
  for (xmlNodePtr c = asset->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || xmlStrcmp(c->name, tag) != 0) continue;
    xmlChar* v = xmlGetProp(c, BAD_CAST "name");
    int same = v && xmlStrcmp(v, name) == 0;
    xmlFree(v);
    if (same) return 1;
  }
  return 0;
}

void bk_lxml_merge_assets(xmlDocPtr dst, xmlNodePtr src_asset) {
  if (!src_asset) return;
  xmlNodePtr asset = bk_lxml_section(dst, "asset");
  xmlNodePtr c = src_asset->children;
  while (c) {
    xmlNodePtr next = c->next;
    if (c->type == XML_ELEMENT_NODE) {
      xmlChar* name = xmlGetProp(c, BAD_CAST "name");
      int dup = has_asset(asset, c->name, name);
      xmlFree(name);
      if (!dup) xmlAddChild(asset, xmlDocCopyNode(c, dst, 1));
    }
    c = next;
  }
}

void bk_lxml_move_children(xmlNodePtr dst, xmlNodePtr src) {
  if (!src) return;
  // copies: nodes of one document keep names in that document's dictionary
  xmlNodePtr c = src->children;
  while (c) {
    xmlNodePtr next = c->next;
    if (c->type == XML_ELEMENT_NODE) xmlAddChild(dst, xmlDocCopyNode(c, dst->doc, 1));
    c = next;
  }
}

void bk_lxml_set_vec(xmlNodePtr node, const char* attr, const double* v, int n) {
  char buf[512];
  int len = 0;
  for (int i = 0; i < n && len < (int)sizeof buf - 32; i++) {
    len += snprintf(buf + len, sizeof buf - (size_t)len, "%s%.17g", i ? " " : "", v[i]);
  }
  xmlSetProp(node, BAD_CAST attr, BAD_CAST buf);
}

char* bk_lxml_dump(xmlDocPtr doc) {
  xmlChar* mem = NULL;
  int size = 0;
  xmlDocDumpFormatMemory(doc, &mem, &size, 1);
  if (!mem) return NULL;
  char* s = malloc((size_t)size + 1);
  if (s) {
    memcpy(s, mem, (size_t)size);
    s[size] = '\0';
  }
  xmlFree(mem);
  return s;
}
