/**
 * Block Kit → HTML for the sandbox console: messages, modals and the Home tab drawn as Slack draws them, on the
 * server, so the page only inserts them. Everything that came from the bot or from a person is escaped; only
 * the tags made here reach the page. Interactive elements carry `data-*` attributes the page's script reads
 * to send the click or to rebuild Slack's `view.state.values`: `data-block-id`, `data-action-id`,
 * `data-kind` (the element's Block Kit type), `data-confirm` (the confirm dialog) and `data-option` (an
 * option's JSON).
 */

export interface RenderContext {
  userName(id: string): string | undefined;
  channelName(id: string): string | undefined;
  /** The people a users_select offers. */
  people?(): { id: string; name: string }[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
const attr = (value: unknown): string =>
  escapeHtml(typeof value === 'string' ? value : JSON.stringify(value));

const EMOJI: Record<string, string> = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  warning: '⚠️',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  black_square_for_stop: '⏹️',
  no_entry_sign: '🚫',
  no_entry: '⛔',
  key: '🔑',
  lock: '🔒',
  heavy_minus_sign: '➖',
  heavy_plus_sign: '➕',
  mag: '🔍',
  information_source: 'ℹ️',
  envelope: '✉️',
  boom: '💥',
  alarm_clock: '⏰',
  wave: '👋',
  tada: '🎉',
  bell: '🔔',
  clock1: '🕐',
  bust_in_silhouette: '👤',
  busts_in_silhouette: '👥',
  arrow_right: '➡️',
  red_circle: '🔴',
  large_green_circle: '🟢',
  large_yellow_circle: '🟡',
  page_facing_up: '📄',
  memo: '📝',
  rotating_light: '🚨',
  calendar: '📆',
  pager: '📟',
  arrow_up: '⬆️',
  scales: '⚖️',
  gear: '⚙️',
  sos: '🆘',
};
const emoji = (html: string): string =>
  html.replace(/:([a-z0-9_+-]+):/g, (all, name: string) => EMOJI[name] ?? all);

/** Slack's own escapes in mrkdwn and plain text: &amp; &lt; &gt; stand for & < >. */
const unescapeSlack = (text: string): string =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Bold, italic and strike in text already HTML-escaped (no code, no links in it). */
function inlineFormat(html: string): string {
  return html
    .replace(/(^|[^\w*])\*(?!\s)([^*\n]*?\S)\*(?!\w)/g, '$1<b>$2</b>')
    .replace(/(^|[^\w])_(?!\s)([^_\n]*?\S)_(?!\w)/g, '$1<i>$2</i>')
    .replace(/(^|[^\w~])~(?!\s)([^~\n]*?\S)~(?!\w)/g, '$1<s>$2</s>');
}

/**
 * `<!date^UNIX^FORMAT[^LINK]|FALLBACK>`: the fallback (UTC), in a `<time>` that says the moment and the format, so
 * that the page shows it in the reader's own time zone and locale as Slack does (console.js, localDates); the
 * fallback stays as its title. A token that is not a date shows as its fallback.
 */
function dateTag(target: string, label: string | undefined): string {
  const [, unix = '', format = '', link] = target.split('^');
  const fallback = escapeHtml(unescapeSlack(label ?? target));
  if (!/^\d{1,12}$/.test(unix) || format === '') return fallback;
  const iso = new Date(Number(unix) * 1000).toISOString();
  const url = link === undefined ? '' : unescapeSlack(link);
  const time = `<time class="bk-when" datetime="${iso}" data-format="${attr(unescapeSlack(format))}" title="${fallback}">${fallback}</time>`;
  return /^https?:/i.test(url)
    ? `<a href="${attr(url)}" target="_blank" rel="noopener noreferrer">${time}</a>`
    : time;
}

function linkOrMention(token: string, ctx: RenderContext): string {
  const [target = '', label] = token.split('|', 2);
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return `<span class="bk-mention">@${escapeHtml(ctx.userName(id) ?? label ?? id)}</span>`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return `<span class="bk-mention">#${escapeHtml(label ?? ctx.channelName(id) ?? id)}</span>`;
  }
  if (target.startsWith('!')) {
    if (target.startsWith('!date^')) return dateTag(target, label);
    // <!here>, <!channel>, <!everyone>; <!subteam^S123|@team> by its label.
    const name = target.slice(1).split('^')[0] ?? '';
    return `<span class="bk-mention">@${escapeHtml(unescapeSlack(label ?? name).replace(/^@/, ''))}</span>`;
  }
  const url = unescapeSlack(target);
  const text = escapeHtml(unescapeSlack(label ?? target));
  if (!/^(https?:|mailto:)/i.test(url)) return text;
  return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${text}</a>`;
}

/** One line of mrkdwn (no code blocks in it) → HTML. */
function mrkdwnLine(line: string, ctx: RenderContext): string {
  // `code` and <link|label> / <@U…> / <#C…> / <!here> are drawn first and held as placeholders, so that bold,
  // italic and strike can wrap them (`*<@U123>*`) while nothing inside them is formatted.
  const held: string[] = [];
  const hold = (html: string): string => `\uE000${held.push(html) - 1}\uE001`;
  const text = line
    .replace(/[\uE000\uE001]/g, '')
    .replace(/`([^`\n]+)`|<([^<>\n]+)>/g, (_all, code: string | undefined, token: string | undefined) =>
      hold(
        code !== undefined
          ? `<code>${escapeHtml(unescapeSlack(code))}</code>`
          : linkOrMention(token ?? '', ctx),
      ),
    );
  return inlineFormat(emoji(escapeHtml(unescapeSlack(text)))).replace(
    /\uE000(\d+)\uE001/g,
    (_all, i: string) => held[Number(i)] ?? '',
  );
}

/** Slack's mrkdwn → HTML: bold, italic, strike, code, preformatted blocks, quotes, links, mentions, lists. */
export function renderMrkdwn(text: string, ctx: RenderContext): string {
  const parts = text.split('```');
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return `<pre>${escapeHtml(unescapeSlack(part.replace(/^\n/, '')))}</pre>`;
      const lines = part.split('\n');
      const html: string[] = [];
      let quote: string[] = [];
      const flush = (): void => {
        if (quote.length > 0) html.push(`<blockquote>${quote.join('<br>')}</blockquote>`);
        quote = [];
      };
      for (const line of lines) {
        const quoted = /^(?:&gt;|>)\s?(.*)$/.exec(line);
        if (quoted !== null) {
          quote.push(mrkdwnLine(quoted[1] ?? '', ctx));
          continue;
        }
        flush();
        const bullet = /^\s*[•\-*]\s+(.*)$/.exec(line);
        html.push(
          bullet !== null && !/^\s*\*[^*]+\*/.test(line)
            ? `<span class="bk-li">• ${mrkdwnLine(bullet[1] ?? '', ctx)}</span>`
            : mrkdwnLine(line, ctx),
        );
      }
      flush();
      return html
        .join('<br>')
        .replace(/<br><blockquote>/g, '<blockquote>')
        .replace(/<\/blockquote><br>/g, '</blockquote>');
    })
    .join('');
}

/** A text object: mrkdwn or plain_text (emoji only). */
function textObject(value: unknown, ctx: RenderContext): string {
  if (!isObj(value)) return '';
  const text = str(value.text);
  return value.type === 'mrkdwn' ? renderMrkdwn(text, ctx) : emoji(escapeHtml(text));
}
const plain = (value: unknown): string => (isObj(value) ? emoji(escapeHtml(str(value.text))) : '');

/**
 * The attributes the page reads from an interactive element: where it is, what it is, a button's value, and
 * its confirm dialog both as Block Kit (`data-confirm`) and with its text already drawn (`data-confirm-html`,
 * escaped like everything here, since the text is mrkdwn that may mention people).
 */
function dataAttrs(blockId: string, element: Obj, ctx: RenderContext): string {
  const value = typeof element.value === 'string' ? ` data-value="${attr(element.value)}"` : '';
  const confirm = isObj(element.confirm)
    ? ` data-confirm="${attr(element.confirm)}" data-confirm-html="${attr(textObject(element.confirm.text, ctx))}"`
    : '';
  return `data-block-id="${attr(blockId)}" data-action-id="${attr(str(element.action_id))}" data-kind="${attr(str(element.type))}"${value}${confirm}`;
}

function optionsOf(element: Obj): Obj[] {
  const flat = arr(element.options);
  for (const group of arr(element.option_groups)) flat.push(...arr(group.options));
  return flat;
}

const sameOption = (a: unknown, b: Obj): boolean => isObj(a) && str(a.value) === str(b.value);

function optionTag(option: Obj, selected: boolean): string {
  return `<option value="${attr(str(option.value))}" data-option="${attr(option)}"${selected ? ' selected' : ''}>${plain(option.text)}</option>`;
}

/** A select's options, in their option groups when it has them. */
function optionTags(el: Obj, selected: (option: Obj) => boolean): string {
  const tags = (options: Obj[]): string => options.map((o) => optionTag(o, selected(o))).join('');
  const groups = arr(el.option_groups);
  if (groups.length === 0) return tags(arr(el.options));
  return groups
    .map(
      (g) =>
        `<optgroup label="${attr(str(isObj(g.label) ? g.label.text : ''))}">${tags(arr(g.options))}</optgroup>`,
    )
    .join('');
}

/** One interactive element (in an actions block, as an accessory, or as an input's element). */
function element(blockId: string, el: Obj, ctx: RenderContext, inInput: boolean): string {
  const data = dataAttrs(blockId, el, ctx);
  const placeholder = isObj(el.placeholder) ? ` placeholder="${attr(str(el.placeholder.text))}"` : '';
  const type = str(el.type);
  switch (type) {
    case 'button': {
      const style = el.style === 'primary' || el.style === 'danger' ? ` bk-${str(el.style)}` : '';
      const link = str(el.url);
      if (link !== '' && /^https?:/i.test(link))
        return `<a class="bk-button${style}" href="${attr(link)}" target="_blank" rel="noopener noreferrer" ${data}>${plain(el.text)}</a>`;
      return `<button type="button" class="bk-button${style}" ${data}>${plain(el.text)}</button>`;
    }
    case 'static_select':
    case 'overflow': {
      const initial = el.initial_option;
      const first = `<option value="" disabled${initial === undefined ? ' selected' : ''}>${type === 'overflow' ? '⋯' : isObj(el.placeholder) ? plain(el.placeholder) : 'Choose…'}</option>`;
      const options = optionTags(el, (o) => sameOption(initial, o));
      return `<select class="bk-select" ${data}>${first}${options}</select>`;
    }
    case 'multi_static_select': {
      const initial = arr(el.initial_options);
      const options = optionTags(el, (o) => initial.some((i) => sameOption(i, o)));
      return `<select class="bk-select" multiple ${data}>${options}</select>`;
    }
    case 'external_select':
    case 'multi_external_select': {
      const initial =
        type === 'external_select'
          ? isObj(el.initial_option)
            ? [el.initial_option]
            : []
          : arr(el.initial_options);
      const chips = initial
        .map(
          (o) =>
            `<span class="bk-chip" data-option="${attr(o)}">${plain(o.text)}<button type="button" class="bk-chip-x" aria-label="Remove">×</button></span>`,
        )
        .join('');
      return (
        `<div class="bk-external" ${data} data-multi="${type === 'multi_external_select' ? 'true' : 'false'}"` +
        ` data-min-query="${attr(String(typeof el.min_query_length === 'number' ? el.min_query_length : 3))}">` +
        `<div class="bk-chips">${chips}</div><input type="text" class="bk-external-input" autocomplete="off"${placeholder} aria-label="Type to search">` +
        `<div class="bk-suggestions" hidden></div></div>`
      );
    }
    case 'users_select':
    case 'multi_users_select': {
      const multi = type === 'multi_users_select';
      const initial = multi
        ? Array.isArray(el.initial_users)
          ? el.initial_users.map(str)
          : []
        : [str(el.initial_user)];
      const people = ctx.people?.() ?? [];
      const options = people.map(
        (p) =>
          `<option value="${attr(p.id)}"${initial.includes(p.id) ? ' selected' : ''}>${escapeHtml(p.name)}</option>`,
      );
      const first = multi
        ? ''
        : `<option value=""${initial[0] === '' ? ' selected' : ''}>${isObj(el.placeholder) ? plain(el.placeholder) : 'Choose a person…'}</option>`;
      return `<select class="bk-select"${multi ? ' multiple' : ''} ${data}>${first}${options.join('')}</select>`;
    }
    case 'datepicker':
      return `<input type="date" class="bk-date" value="${attr(str(el.initial_date))}" ${data}>`;
    case 'timepicker': {
      // Slack shows the element's time zone under it: the request form's start is in UTC.
      const zone = str(el.timezone);
      const input = `<input type="time" class="bk-date" value="${attr(str(el.initial_time))}" ${data}>`;
      return zone === '' ? input : `${input} <span class="bk-hint">${escapeHtml(zone)}</span>`;
    }
    case 'checkboxes':
    case 'radio_buttons': {
      const initial =
        type === 'checkboxes' ? arr(el.initial_options) : isObj(el.initial_option) ? [el.initial_option] : [];
      const name = `${blockId}/${str(el.action_id)}`;
      const items = optionsOf(el).map((o) => {
        const checked = initial.some((i) => sameOption(i, o)) ? ' checked' : '';
        const description = isObj(o.description)
          ? `<span class="bk-option-description">${textObject(o.description, ctx)}</span>`
          : '';
        return `<label class="bk-choice"><input type="${type === 'checkboxes' ? 'checkbox' : 'radio'}" name="${attr(name)}" value="${attr(str(o.value))}" data-option="${attr(o)}"${checked}> <span>${textObject(o.text, ctx)}</span>${description}</label>`;
      });
      return `<div class="bk-choices" ${data}>${items.join('')}</div>`;
    }
    case 'plain_text_input': {
      const max = typeof el.max_length === 'number' ? ` maxlength="${el.max_length}"` : '';
      const value = str(el.initial_value);
      return el.multiline === true
        ? `<textarea class="bk-text-input" rows="3"${max}${placeholder} ${data}>${escapeHtml(value)}</textarea>`
        : `<input type="text" class="bk-text-input" value="${attr(value)}"${max}${placeholder} ${data}>`;
    }
    case 'image':
      return imageTag(el);
    default:
      return `<span class="bk-unsupported">[unsupported element: ${escapeHtml(type)}${inInput ? ' input' : ''}]</span>`;
  }
}

function imageTag(el: Obj): string {
  const url = str(el.image_url);
  if (!/^https?:/i.test(url)) return '';
  return `<img class="bk-image" src="${attr(url)}" alt="${attr(str(el.alt_text))}">`;
}

/** A rich_text element's inline pieces: text with its style, links, mentions, emoji. */
function richInline(nodes: Obj[], ctx: RenderContext): string {
  return nodes
    .map((node) => {
      let html: string;
      switch (node.type) {
        case 'text':
          html = escapeHtml(str(node.text)).replace(/\n/g, '<br>');
          break;
        case 'link': {
          const url = str(node.url);
          const text = escapeHtml(str(node.text) || url);
          html = /^(https?:|mailto:)/i.test(url)
            ? `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${text}</a>`
            : text;
          break;
        }
        case 'user':
          html = linkOrMention(`@${str(node.user_id)}`, ctx);
          break;
        case 'channel':
          html = linkOrMention(`#${str(node.channel_id)}`, ctx);
          break;
        case 'broadcast':
          html = linkOrMention(`!${str(node.range)}`, ctx);
          break;
        case 'emoji':
          html = emoji(`:${escapeHtml(str(node.name))}:`);
          break;
        default:
          return '';
      }
      const style = isObj(node.style) ? node.style : {};
      if (style.code === true) html = `<code>${html}</code>`;
      if (style.bold === true) html = `<b>${html}</b>`;
      if (style.italic === true) html = `<i>${html}</i>`;
      if (style.strike === true) html = `<s>${html}</s>`;
      return html;
    })
    .join('');
}

/** rich_text: sections, bullet and numbered lists, quotes and preformatted text. */
function richText(block: Obj, ctx: RenderContext): string {
  const part = (el: Obj): string => {
    const inner = arr(el.elements);
    switch (el.type) {
      case 'rich_text_section':
        return `<div>${richInline(inner, ctx)}</div>`;
      case 'rich_text_quote':
        return `<blockquote>${richInline(inner, ctx)}</blockquote>`;
      case 'rich_text_preformatted':
        return `<pre>${richInline(inner, ctx)}</pre>`;
      case 'rich_text_list': {
        const tag = el.style === 'ordered' ? 'ol' : 'ul';
        return `<${tag} class="bk-list">${inner.map((item) => `<li>${richInline(arr(item.elements), ctx)}</li>`).join('')}</${tag}>`;
      }
      default:
        return `<span class="bk-unsupported">[unsupported rich text: ${escapeHtml(str(el.type))}]</span>`;
    }
  };
  return `<div class="bk-rich">${arr(block.elements).map(part).join('')}</div>`;
}

function block(b: Obj, ctx: RenderContext, errors: Record<string, string>): string {
  const blockId = str(b.block_id);
  switch (b.type) {
    case 'header':
      return `<div class="bk-header">${plain(b.text)}</div>`;
    case 'divider':
      return '<hr class="bk-divider">';
    case 'section': {
      const text = b.text !== undefined ? `<div class="bk-text">${textObject(b.text, ctx)}</div>` : '';
      const fields = arr(b.fields);
      const fieldsHtml =
        fields.length > 0
          ? `<div class="bk-fields">${fields.map((f) => `<div class="bk-field">${textObject(f, ctx)}</div>`).join('')}</div>`
          : '';
      const accessory = isObj(b.accessory)
        ? `<div class="bk-accessory">${element(blockId, b.accessory, ctx, false)}</div>`
        : '';
      return `<div class="bk-section"><div class="bk-section-body">${text}${fieldsHtml}</div>${accessory}</div>`;
    }
    case 'context':
      return `<div class="bk-context">${arr(b.elements)
        .map((e) => (e.type === 'image' ? imageTag(e) : `<span>${textObject(e, ctx)}</span>`))
        .join('')}</div>`;
    case 'actions':
      return `<div class="bk-actions">${arr(b.elements)
        .map((e) => element(blockId, e, ctx, false))
        .join('')}</div>`;
    case 'image':
      return `<div class="bk-image-block">${b.title !== undefined ? `<div class="bk-image-title">${plain(b.title)}</div>` : ''}${imageTag(b)}</div>`;
    case 'input': {
      const el = isObj(b.element) ? b.element : {};
      const optional = b.optional === true ? ' <span class="bk-optional">(optional)</span>' : '';
      const hint = b.hint !== undefined ? `<div class="bk-hint">${plain(b.hint)}</div>` : '';
      const error = errors[blockId];
      const errorHtml =
        error !== undefined ? `<div class="bk-error" role="alert">${escapeHtml(error)}</div>` : '';
      return (
        `<div class="bk-input${error !== undefined ? ' bk-has-error' : ''}" data-input-block="${attr(blockId)}"${b.dispatch_action === true ? ' data-dispatch="true"' : ''}>` +
        `<label class="bk-label">${plain(b.label)}${optional}</label>${element(blockId, el, ctx, true)}${hint}${errorHtml}</div>`
      );
    }
    case 'rich_text':
      return richText(b, ctx);
    default:
      return `<div class="bk-unsupported">[unsupported block: ${escapeHtml(str(b.type))}]</div>`;
  }
}

function blocks(list: unknown, ctx: RenderContext, errors: Record<string, string> = {}): string {
  return arr(list)
    .map((b) => block(b, ctx, errors))
    .join('');
}

/** Slack's named attachment colours; any other colour must be hex (`#E01E5A` or `E01E5A`), else grey. */
const NAMED_COLORS: Record<string, string> = { good: '#2EB67D', warning: '#ECB22E', danger: '#E01E5A' };
const DEFAULT_BAR = '#DDDDDD';

/** The CSS colour of an attachment's bar: a named or hex colour only, so nothing else reaches the style. */
export function attachmentColor(color: unknown): string {
  const c = str(color).trim();
  const named = NAMED_COLORS[c.toLowerCase()];
  if (named !== undefined) return named;
  return /^#?[0-9a-f]{6}$/i.test(c) ? `#${c.replace(/^#/, '').toUpperCase()}` : DEFAULT_BAR;
}

/** Secondary attachments as Slack draws them: a coloured bar down the left, the attachment's blocks beside it. */
function attachments(list: unknown, ctx: RenderContext): string {
  return arr(list)
    .map((a) => {
      const color = attachmentColor(a.color);
      const inner =
        Array.isArray(a.blocks) && a.blocks.length > 0
          ? blocks(a.blocks, ctx)
          : `<div class="bk-text">${renderMrkdwn(str(a.text) || str(a.fallback), ctx)}</div>`;
      return (
        `<div class="bk-attachment" data-color="${attr(color)}">` +
        `<div class="bk-attachment-bar" style="background-color: ${color}"></div>` +
        `<div class="bk-attachment-body">${inner}</div></div>`
      );
    })
    .join('');
}

/** A message: its blocks, or its text when it has none; then its attachments; shared files as links. */
export function renderMessage(
  message: {
    text?: string;
    blocks?: unknown[];
    attachments?: unknown[];
    files?: { id: string; name: string; title?: string }[];
  },
  ctx: RenderContext,
): string {
  const attached = attachments(message.attachments, ctx);
  // As in Slack, a message without blocks shows its text, above its attachments when it has some.
  const own =
    message.blocks !== undefined && message.blocks.length > 0
      ? blocks(message.blocks, ctx)
      : (message.text ?? '') !== '' || attached === ''
        ? `<div class="bk-text">${renderMrkdwn(message.text ?? '', ctx)}</div>`
        : '';
  const body = own + attached;
  const files = (message.files ?? [])
    .map(
      (f) =>
        `<a class="bk-file" href="/console/api/files/${encodeURIComponent(f.id)}" download="${attr(f.name)}">📄 ${escapeHtml(f.title ?? f.name)}</a>`,
    )
    .join('');
  return `<div class="bk-blocks">${body}${files}</div>`;
}

/** A modal: title, blocks (inputs as form controls), field errors under their block, submit and close. */
export function renderModal(
  view: Record<string, unknown>,
  ctx: RenderContext,
  errors?: Record<string, string>,
): string {
  const submit =
    view.submit !== undefined
      ? `<button type="submit" class="bk-button bk-primary bk-submit">${plain(view.submit)}</button>`
      : '';
  const close = `<button type="button" class="bk-button bk-close">${view.close !== undefined ? plain(view.close) : 'Cancel'}</button>`;
  return (
    `<form class="bk-modal" data-view-id="${attr(str(view.id))}" data-callback-id="${attr(str(view.callback_id))}">` +
    `<div class="bk-modal-title">${plain(view.title)}</div>` +
    `<div class="bk-modal-body">${blocks(view.blocks, ctx, errors ?? {})}</div>` +
    `<div class="bk-modal-footer">${close}${submit}</div></form>`
  );
}

/** The App Home tab. */
export function renderHome(view: Record<string, unknown>, ctx: RenderContext): string {
  return `<div class="bk-home" data-view-id="${attr(str(view.id))}">${blocks(view.blocks, ctx)}</div>`;
}
