/*
 * storeread.c: the store-reading front end every mode reads through (see
 * storeread.h): the store opened, one parser set up the one way, its
 * guards asked, and why it failed said in one line.
 */
#include <string.h>

#include <libxml/parser.h>

#include "storeread.h"
#include "xmlcompat.h"

int
storeread_open(struct storeread *rd, const char *path, void *client)
{
	memset(rd, 0, sizeof(*rd));
	rd->client = client;
	if (input_open(&rd->in, path) == -1)
		return -1;
	entities_init(&rd->entities, &rd->in);
	return 0;
}

/* Asked before each read: the front end's guard, then the client's. */
static int
guard_read(void *arg)
{
	struct storeread *rd = arg;

	if (entities_guard_tag(rd) == -1)
		return -1;
	return rd->guard != NULL ? rd->guard(rd->client) : 0;
}

/*
 * The handler table: the front end's prolog handlers (the entity policy,
 * entities.c), and the client's for elements, text, comments and PIs.
 * There is no cdataBlock handler: without one libxml2 reports a CDATA
 * section as characters, on every release.
 */
static void
handlers(xmlSAXHandler *sax, const xmlSAXHandler *client)
{
	memset(sax, 0, sizeof(*sax));
	sax->initialized = XML_SAX2_MAGIC;
	entities_handlers(sax);
	sax->startElementNs = client->startElementNs;
	sax->endElementNs = client->endElementNs;
	sax->characters = client->characters;
	sax->ignorableWhitespace = client->ignorableWhitespace;
	sax->comment = client->comment;
	sax->processingInstruction = client->processingInstruction;
}

/*
 * The one parse: options, no external load, the entity policy; PREPARE
 * (or NULL) interns the client's names in the parse's dictionary before
 * the first event.  Whether the whole store was read, well-formed, and
 * unchanged while read.
 */
int
storeread_parse(struct storeread *rd, const xmlSAXHandler *client_sax,
    void (*prepare)(void *client, xmlParserCtxtPtr))
{
	xmlSAXHandler	 sax;
	int		 whole;

	handlers(&sax, client_sax);
	rd->in.guard = guard_read;
	rd->in.guard_arg = rd;
	xmlerr_install(&rd->xmlerr);
	rd->ctxt = xmlCreateIOParserCtxt(&sax, rd, input_read, NULL, &rd->in,
	    XML_CHAR_ENCODING_NONE);
	if (rd->ctxt == NULL) {
		buf_puts(&rd->error, "0: cannot create an XML parser");
		rd->failure = FAILURE_PARSE;
		xmlerr_uninstall();
		return 0;
	}
	xmlerr_attach(&rd->xmlerr, rd->ctxt);
	xmlCtxtUseOptions(rd->ctxt, xmlcompat_options());
	xmlcompat_refuse_external(rd->ctxt);
	xmlcompat_entity_policy(rd->ctxt);
	if (prepare != NULL)
		prepare(rd->client, rd->ctxt);
	(void)xmlParseDocument(rd->ctxt);
	xmlerr_uninstall();
	/* A store cut or rewritten under us is said so, however it parsed. */
	whole = input_check_unchanged(&rd->in) == 0 &&
	    xmlcompat_well_formed(rd->ctxt) && rd->error.len == 0 &&
	    rd->in.error.len == 0;
	return whole;
}

/*
 * Why the store was not read, "PATH: reason" or "PATH:LINE[:COL]: ...",
 * and its kind: the input's reason first (it explains the parser's), then
 * a guard's, then libxml2's.
 */
char *
storeread_message(const struct storeread *rd, const char *path,
    enum failure *f)
{
	struct buf	 msg = { 0 };
	const char	*xml = xmlerr_first(&rd->xmlerr);

	if (rd->in.error.len > 0) {
		buf_printf(&msg, "%s: %s", path, rd->in.error.data);
		*f = rd->in.failure;
	} else if (rd->error.len > 0) {
		buf_printf(&msg, "%s:%s", path, rd->error.data);
		*f = rd->failure;
	} else if (xml != NULL) {
		buf_printf(&msg, "%s:%s", path, xml);
		*f = xmlerr_is_limit(&rd->xmlerr) ? FAILURE_LIMIT :
		    FAILURE_PARSE;
	} else {
		buf_printf(&msg, "%s: not well-formed XML", path);
		*f = FAILURE_PARSE;
	}
	return buf_steal(&msg);
}

void
storeread_close(struct storeread *rd)
{
	if (rd->ctxt != NULL) {
		xmlFreeDoc(xmlcompat_take_doc(rd->ctxt));
		xmlFreeParserCtxt(rd->ctxt);
		rd->ctxt = NULL;
	}
	input_close(&rd->in);
	buf_free(&rd->error);
	xmlerr_free(&rd->xmlerr);
	entities_free(&rd->entities);
}
