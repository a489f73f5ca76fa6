import { Mark, combineTransactionSteps, getChangedRanges, markPasteRule, mergeAttributes, type PasteRuleMatch } from '@tiptap/core';
import type { MarkType } from '@tiptap/pm/model';
import { Plugin, PluginKey, type EditorState, type Transaction } from '@tiptap/pm/state';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import { safeLinkUrl } from '@/lib/editor/urls';

/**
 * The editor page's link mark. Same schema and HTML as Tiptap's Link, which the server and
 * Markdown use (lib/editor/extensions.ts; a test compares the two), but the URL finder behind
 * autolinking and URL pasting (linkifyjs, about 10 KB gzipped) loads when the editor is first
 * focused or typed in, not with the page: a reader who never edits never downloads it.
 */
type Linkify = typeof import('linkifyjs');
let linkify: Linkify | null = null;
let loading: Promise<void> | null = null;

function loadLinkify(): void {
  loading ??= import('linkifyjs').then(
    (m) => void (linkify = m),
    () => void (loading = null), // offline: try again on the next focus
  );
}

const ATTRIBUTES = { target: '_blank', rel: 'noopener noreferrer nofollow', class: null };

/** Tiptap's rule for which found URLs become links without asking: not bare IPs or words. */
function autoLinkable(url: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || (/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.includes('@'))) return true;
  const host = (url.includes('@') ? url.split('@').pop()! : url).split(/[/?#:]/)[0];
  return !/^\d{1,3}(\.\d{1,3}){3}$/.test(host) && host.includes('.');
}

/** The allowed links in pasted text, where linkify is loaded (else none: the text stays text). */
function pastedLinks(text: string): PasteRuleMatch[] {
  if (!linkify || !text) return [];
  return linkify
    .find(text)
    .filter((l) => l.isLink && safeLinkUrl(l.href) !== null && autoLinkable(l.value))
    .map((l) => ({ text: l.value, index: l.start, data: { href: l.href } }));
}

/** A typed word is a link if linkify reads it as one link, bare or in () or []. */
function linkInWord(word: string): { href: string; start: number; end: number } | null {
  if (!linkify) return null;
  const tokens = linkify.tokenize(word).map((t) => t.toObject('https'));
  const link = tokens.length === 1 ? tokens[0] : tokens.length === 3 && ['()', '[]'].includes(tokens[0].value + tokens[2].value) ? tokens[1] : null;
  if (!link?.isLink || safeLinkUrl(link.href) === null || !autoLinkable(link.value)) return null;
  return { href: link.href, start: link.start, end: link.end };
}

const SPACE_AT_END = /[\s\u00a0\u2000-\u200b\u3000]$/;

/**
 * Autolinking: when someone types whitespace after a URL, the word before it becomes a link.
 * Only for this person's own edits: remote ones arrive already linked by their author's editor
 * (linking them here too would edit every collaborator's text from every client).
 */
function autolinkPlugin(type: MarkType): Plugin {
  return new Plugin({
    key: new PluginKey('autolink'),
    appendTransaction(trs: readonly Transaction[], before: EditorState, after: EditorState) {
      if (!linkify || !trs.some((tr) => tr.docChanged) || trs.some((tr) => tr.getMeta('preventAutolink') || tr.getMeta(ySyncPluginKey)?.isChangeOrigin)) return null;
      const tr = after.tr;
      for (const { newRange } of getChangedRanges(combineTransactionSteps(before.doc, [...trs]))) {
        const $end = after.doc.resolve(newRange.to);
        if (!$end.parent.isTextblock || $end.parent.type.spec.code) continue;
        const start = $end.start();
        const text = after.doc.textBetween(start, newRange.to, undefined, ' ');
        if (!SPACE_AT_END.test(text)) continue;
        const word = /(\S+)\s+$/.exec(text);
        if (!word) continue;
        const link = linkInWord(word[1]);
        if (!link) continue;
        const from = start + word.index + link.start;
        const to = start + word.index + link.end;
        if (after.doc.rangeHasMark(from, to, type) || (after.schema.marks.code && after.doc.rangeHasMark(from, to, after.schema.marks.code))) continue;
        tr.addMark(from, to, type.create({ href: link.href }));
      }
      return tr.steps.length ? tr : null;
    },
  });
}

/** Pasting one URL over selected text links the text instead of replacing it. */
function linkOnPastePlugin(type: MarkType): Plugin {
  return new Plugin({
    key: new PluginKey('linkOnPaste'),
    props: {
      handlePaste(view, event) {
        const { selection } = view.state;
        const text = event.clipboardData?.getData('text/plain') ?? '';
        if (selection.empty || !linkify) return false;
        const links = linkify.find(text).filter((l) => l.isLink && l.value === text.trim());
        const href = links.length === 1 ? safeLinkUrl(links[0].href) : null;
        if (!href) return false;
        view.dispatch(view.state.tr.addMark(selection.from, selection.to, type.create({ href })).setMeta('preventAutolink', true));
        return true;
      },
    },
  });
}

export const LinkMark = Mark.create({
  name: 'link',
  priority: 1000,
  keepOnSplit: false,
  exitable: true,
  inclusive: true, // as Tiptap's Link with autolinking on: typing at a link's end extends it

  addAttributes() {
    return {
      href: { default: null, parseHTML: (el: HTMLElement) => el.getAttribute('href') },
      target: { default: ATTRIBUTES.target },
      rel: { default: ATTRIBUTES.rel },
      class: { default: ATTRIBUTES.class },
      title: { default: null },
    };
  },

  parseHTML() {
    return [{ tag: 'a[href]', getAttrs: (el: HTMLElement) => (safeLinkUrl(el.getAttribute('href')) ? null : false) }];
  },

  renderHTML({ HTMLAttributes }) {
    const href = safeLinkUrl(HTMLAttributes.href) ? HTMLAttributes.href : '';
    return ['a', mergeAttributes(ATTRIBUTES, { ...HTMLAttributes, href }), 0];
  },

  addCommands() {
    return {
      setLink:
        (attributes) =>
        ({ chain }) =>
          safeLinkUrl(attributes.href) !== null && chain().setMark(this.name, attributes).setMeta('preventAutolink', true).run(),
      toggleLink:
        (attributes) =>
        ({ chain }) =>
          (!attributes?.href || safeLinkUrl(attributes.href) !== null) &&
          chain().toggleMark(this.name, attributes, { extendEmptyMarkRange: true }).setMeta('preventAutolink', true).run(),
      unsetLink:
        () =>
        ({ chain }) =>
          chain().unsetMark(this.name, { extendEmptyMarkRange: true }).setMeta('preventAutolink', true).run(),
    };
  },

  addPasteRules() {
    return [markPasteRule({ find: pastedLinks, type: this.type, getAttributes: (match) => ({ href: match.data?.href }) })];
  },

  addProseMirrorPlugins() {
    const type = this.type;
    const load = new Plugin({ props: { handleDOMEvents: { focus: () => (loadLinkify(), false), keydown: () => (loadLinkify(), false) } } });
    return [load, autolinkPlugin(type), linkOnPastePlugin(type)];
  },
});
